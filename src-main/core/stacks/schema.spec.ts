// The bundled compose schemas are the docker CLI's own (3.0 to 3.13) and a file is validated against the
// schema of exactly its `version`, so a key newer than that version is refused as the CLI refuses it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack } from './loader';
import { bundledVersions, chooseSchema, CLI_VERSIONS, schemaDir, validateSchema } from './schema';

const service = (extra: Record<string, unknown>) => ({ services: { web: { image: 'busybox', ...extra } } });

// one key each version introduced (docker/cli cli/compose/schema/data history); absent from the version before
const INTRODUCED: Array<[string, (s: Record<string, Record<string, unknown>>) => unknown]> = [
  ['3.1', (s) => s.properties.secrets],
  ['3.2', (s) => (s.definitions.service as { properties: { ports: { items: { oneOf?: unknown } } } }).properties.ports.items.oneOf],
  ['3.3', (s) => s.properties.configs],
  ['3.4', (s) => (s.definitions.healthcheck as { properties: Record<string, unknown> }).properties.start_period],
  ['3.5', (s) => (s.definitions.service as { properties: Record<string, unknown> }).properties.isolation],
  ['3.6', (s) => JSON.stringify(s.definitions.service).includes('"tmpfs":{"type":"object"') || undefined],
  ['3.7', (s) => (s.definitions.service as { properties: Record<string, unknown> }).properties.init],
  ['3.8', (s) => JSON.stringify(s.definitions.deployment).includes('max_replicas_per_node') || undefined],
  ['3.9', (s) => JSON.stringify(s.definitions.deployment).includes('"pids"') || undefined],
  ['3.10', (s) => (Array.isArray(s.required) && s.required.includes('version') ? undefined : true)],
  ['3.12', (s) => (s.definitions.healthcheck as { properties: Record<string, unknown> }).properties.start_interval],
  ['3.13', (s) => (s.definitions.service as { properties: Record<string, unknown> }).properties.oom_score_adj],
];

const readSchema = (v: string) => JSON.parse(fs.readFileSync(path.join(schemaDir(), `config_schema_v${v}.json`), 'utf8')) as Record<string, Record<string, unknown>> & { id: string };

describe('bundled compose schemas', () => {
  it('bundles every version the docker CLI embeds, 3.0 to 3.13, each with its own id', () => {
    expect(bundledVersions()).toEqual(CLI_VERSIONS);
    for (const v of CLI_VERSIONS) expect(readSchema(v).id).toBe(`config_schema_v${v}.json`);
  });

  it.each(INTRODUCED)('%s is the first version with its key', (v, has) => {
    const i = CLI_VERSIONS.indexOf(v);
    expect(has(readSchema(v))).toBeTruthy();
    expect(has(readSchema(CLI_VERSIONS[i - 1]))).toBeFalsy();
  });

  it('chooses exactly the version of the file, and refuses versions the CLI does not know', () => {
    for (const v of CLI_VERSIONS) expect(chooseSchema(v)).toEqual({ used: v });
    expect(() => chooseSchema('3.14')).toThrow('unsupported Compose file version: 3.14');
    expect(() => chooseSchema('2.4')).toThrow('unsupported Compose file version: 2.4');
  });
});

describe('validation by version', () => {
  it('a 3.3 file using the 3.7-only init is refused; from 3.7 on it is accepted', () => {
    expect(validateSchema({ version: '3.3', ...service({ init: true }) }, '3.3')?.message).toBe('services.web Additional property init is not allowed');
    expect(validateSchema({ version: '3.6', ...service({ init: true }) }, '3.6')?.message).toBe('services.web Additional property init is not allowed');
    expect(validateSchema({ version: '3.7', ...service({ init: true }) }, '3.7')).toBeUndefined();
  });

  it('3.12 refuses what only 3.13 allows (oom_score_adj, network driver_opts), 3.13 takes them', () => {
    const oom = service({ oom_score_adj: 100 });
    expect(validateSchema({ version: '3.12', ...oom }, '3.12')?.message).toBe('services.web Additional property oom_score_adj is not allowed');
    expect(validateSchema({ version: '3.13', ...oom }, '3.13')).toBeUndefined();
    const opts = { ...service({ networks: { front: { driver_opts: { mtu: '1400' } } } }), networks: { front: null } };
    expect(validateSchema({ version: '3.12', ...opts }, '3.12')?.message).toBe('services.web.networks.front Additional property driver_opts is not allowed');
    expect(validateSchema({ version: '3.13', ...opts }, '3.13')).toBeUndefined();
    // and 3.12's own addition is refused by 3.11
    const si = service({ healthcheck: { test: 'true', start_interval: '1s' } });
    expect(validateSchema({ version: '3.11', ...si }, '3.11')?.message).toBe('services.web.healthcheck Additional property start_interval is not allowed');
    expect(validateSchema({ version: '3.12', ...si }, '3.12')).toBeUndefined();
  });

  it('version is required before 3.10 (the file says which schema), optional from 3.10', () => {
    expect(validateSchema(service({}), '3.9')?.message).toBe('(root) version is required');
    expect(validateSchema(service({}), '3.10')).toBeUndefined();
  });

  it('the loader uses the version of the file: a 3.3 file with init fails on its line', () => {
    const content = 'version: "3.3"\nservices:\n  web:\n    image: busybox\n    init: true\n';
    const r = loadStack({ files: [{ file: '/w/a.yml', content }], env: {} });
    const err = r.diagnostics.find((d) => d.severity === 'error');
    expect(err).toMatchObject({ line: 5, path: 'services.web.init' });
    expect(err?.message).toContain('services.web Additional property init is not allowed');
    const ok = loadStack({ files: [{ file: '/w/a.yml', content: content.replace('3.3', '3.7') }], env: {} });
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
