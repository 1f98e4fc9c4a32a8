// The Stacks editor (Monaco + monaco-yaml) completes against the same schema the loader validates with: all 14
// bundled schemas (3.0-3.13) are in the editor's bundle, byte for byte the assets, and the editor's choice by the
// file's `version:` (the newest without one) equals the core's (schema.ts composeVersion + chooseSchema).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledVersions, chooseSchema, CLI_VERSIONS, composeVersion, schemaDir } from '../../src-main/core/stacks/schema';
import { parseYaml } from '../../src-main/core/stacks/yaml';
import { COMPOSE_SCHEMAS, schemaUri } from '../../src-renderer/views/stacks/compose-schemas';
import { schemaFor, SCHEMA_VERSIONS, versionOf } from '../../src-renderer/views/stacks/compose-text';
import type { Json } from '../../src-main/core/stacks/types';

const root = path.resolve(__dirname, '../fixtures/stacks');

/** the core's schema for a text: the loader's version reading, then chooseSchema (undefined when the loader refuses the version) */
function coreChoice(text: string): string | undefined {
  const parsed = parseYaml(text);
  const dict = parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? (parsed.value as Record<string, Json>) : {};
  try {
    return chooseSchema(composeVersion(dict)).used;
  } catch {
    return undefined;
  }
}

describe('editor schemas', () => {
  it('the editor bundles all 14 schemas the core validates with, identical to assets/compose-schemas', () => {
    expect([...SCHEMA_VERSIONS]).toEqual(CLI_VERSIONS);
    expect(bundledVersions()).toEqual(CLI_VERSIONS);
    for (const v of SCHEMA_VERSIONS) {
      const asset = JSON.parse(fs.readFileSync(path.join(schemaDir(), `config_schema_v${v}.json`), 'utf8')) as unknown;
      expect(COMPOSE_SCHEMAS[v], v).toEqual(asset);
      expect(schemaUri(v)).toContain(`config_schema_v${v}.json`);
    }
    // every schema is a different one (no version aliased to another's file)
    expect(new Set(SCHEMA_VERSIONS.map((v) => JSON.stringify(COMPOSE_SCHEMAS[v]))).size).toBe(14);
  });

  it.each([...CLI_VERSIONS.map((v) => `version: "${v}"\nservices:\n  web:\n    image: x\n`), 'services:\n  web:\n    image: x\n', 'version: "3"\nservices: {}\n', "version: '3.4'\n", 'version: ""\nservices: {}\n'])('%j: the editor picks the schema the loader validates with', (text) => {
    const core = coreChoice(text);
    expect(core).toBeDefined();
    expect(schemaFor(versionOf(text))).toBe(core);
  });

  it('every fixture whose version the loader accepts gets the same schema in the editor', () => {
    const files = ['valid', 'invalid'].flatMap((d) => fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.yml')).map((f) => path.join(root, d, f)));
    let compared = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const core = coreChoice(text);
      if (core === undefined) continue; // version-unsupported.yml, version-number.yml: the loader refuses them; the editor offers the newest
      expect(schemaFor(versionOf(text)), path.basename(f)).toBe(core);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(50);
  });

  it('a version the loader refuses gets the newest schema for completion', () => {
    expect(coreChoice('version: "2.4"\n')).toBeUndefined();
    expect(schemaFor(versionOf('version: "2.4"\n'))).toBe('3.13');
    expect(schemaFor(versionOf('version: "3.14"\n'))).toBe('3.13');
  });
});
