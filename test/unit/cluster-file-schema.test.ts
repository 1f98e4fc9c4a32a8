// The JSON Schema shipped for editors (assets/cluster-file.schema.json, e.g. `# yaml-language-server: $schema=...`)
// is generated from the contract's zod schema, the one the core validates with; this keeps the two equal.
// Regenerate: FLOTILLA_WRITE_SCHEMA=1 npx vitest run --project unit test/unit/cluster-file-schema.test.ts
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClusterFile } from '../../src-main/api/domains/cluster';

const FILE = path.join(__dirname, '../../assets/cluster-file.schema.json');

function generated(): Record<string, unknown> {
  return { ...z.toJSONSchema(ClusterFile, { io: 'input' }), $id: 'https://flotilla.dev/schemas/cluster-file.schema.json', title: 'Flotilla cluster file' };
}

describe('cluster file JSON Schema', () => {
  it('the shipped file is the zod schema', () => {
    const text = JSON.stringify(generated(), null, 2) + '\n';
    if (process.env.FLOTILLA_WRITE_SCHEMA) fs.writeFileSync(FILE, text);
    expect(fs.readFileSync(FILE, 'utf8')).toBe(text);
  });

  it('accepts the issue example and refuses what zod refuses', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(FILE, 'utf8')) as object);
    const good = { name: 'cc', machines: { driver: 'container', managers: 1, workers: 2, cpus: 2, memory: '2g', disk: '20g' }, nodes: { 'cc-w1': { labels: { zone: 'a' }, availability: 'active' } }, stacks: { web: { file: './web.yml', variables: { TAG: '1' } } } };
    expect(validate(good)).toBe(true);
    expect(ClusterFile.safeParse(good).success).toBe(true);
    for (const bad of [{ name: 'cc' }, { name: 'cc', machines: { managers: 0 } }, { name: 'cc', machines: {}, extra: 1 }, { name: 'cc-', machines: {} }, { name: 'cc', machines: { memory: '2 lots' } }]) {
      expect(validate(bad)).toBe(false);
      expect(ClusterFile.safeParse(bad).success).toBe(false);
    }
  });
});
