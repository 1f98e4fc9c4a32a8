// Every fixture under test/fixtures/stacks: valid ones load and convert; invalid ones fail on the field
// and line their `# expect: <message> @ <line>` header names.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack } from './loader';
import { convertConfigs, convertNetworks, convertSecrets } from './convert';
import { convertService } from './convert-service';
import { referencedObjectNames } from './deploy';

const root = path.resolve(__dirname, '../../../test/fixtures/stacks');
const valid = fs.readdirSync(path.join(root, 'valid')).filter((f) => f.endsWith('.yml') && !f.includes('.override.'));
const invalid = fs.readdirSync(path.join(root, 'invalid')).filter((f) => f.endsWith('.yml'));
const env = { HOME: '/root' };

function load(files: string[]) {
  return loadStack({ files: files.map((f) => ({ file: f, content: fs.readFileSync(f, 'utf8') })), env });
}

describe('valid fixtures', () => {
  it('there are at least 30', () => expect(valid.length).toBeGreaterThanOrEqual(30));
  it.each(valid)('%s loads and converts', (name) => {
    const file = path.join(root, 'valid', name);
    const override = file.replace(/\.yml$/, '.override.yml');
    const r = load(fs.existsSync(override) ? [file, override] : [file]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const config = r.config!;
    const refs = referencedObjectNames('fx', config);
    const ids = { secrets: Object.fromEntries(refs.secrets.map((n) => [n, `id-${n}`])), configs: Object.fromEntries(refs.configs.map((n) => [n, `id-${n}`])) };
    const read = (p: string) => fs.readFileSync(p);
    expect(() => convertNetworks('fx', config)).not.toThrow();
    expect(() => convertSecrets('fx', config, read)).not.toThrow();
    expect(() => convertConfigs('fx', config, read)).not.toThrow();
    for (const s of config.services) {
      const spec = convertService('fx', s, config, ids);
      expect(spec.TaskTemplate.ContainerSpec.Image).toBe('flotilla-lab/busybox:latest');
      expect(spec.Labels['com.docker.stack.namespace']).toBe('fx');
    }
  });
});

describe('invalid fixtures', () => {
  it('there are at least 15', () => expect(invalid.length).toBeGreaterThanOrEqual(15));
  it.each(invalid)('%s fails where the CLI does', (name) => {
    const file = path.join(root, 'invalid', name);
    const m = /^# expect: (.*) @ (\d+)$/m.exec(fs.readFileSync(file, 'utf8'));
    expect(m, 'fixture header # expect: <message> @ <line>').not.toBeNull();
    const r = load([file]);
    const err = r.diagnostics.find((d) => d.severity === 'error');
    expect(err?.message).toContain(m![1]);
    expect(err?.line).toBe(Number(m![2]));
    expect(err?.file).toBe(file);
    expect(r.config).toBeUndefined();
  });
});
