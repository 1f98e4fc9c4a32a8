import { describe, expect, it } from 'vitest';
import { loadStack } from './loader';

const load = (files: Record<string, string>, env: Record<string, string> = {}, extra: Record<string, string> = {}) =>
  loadStack({
    files: Object.entries(files).map(([file, content]) => ({ file: `/w/${file}`, content })),
    env,
    home: '/home/me',
    readFile: (p) => {
      const name = p.replace('/w/', '');
      if (name in extra) return extra[name];
      throw new Error('ENOENT');
    },
  });

describe('loadStack errors carry file, line, column and path', () => {
  it.each([
    ['services:\n  web:\n    image: x\n    ports: "80:80"\n', 'services.web.ports must be a list', 4, 'services.web.ports'],
    ['services:\n  web:\n    image: x\n    foo: 1\n', 'services.web Additional property foo is not allowed', 4, 'services.web.foo'],
    ['version: 3.8\nservices: {}\n', 'version must be a string', 1, 'version'],
    ['version: "2.4"\nservices: {}\n', 'unsupported Compose file version: 2.4', 1, 'version'],
    ['services:\n  web:\n    image: x\n    deploy:\n      resources:\n        limits:\n          cpus: 0.5\n', 'services.web.deploy.resources.limits.cpus must be a string', 7, 'services.web.deploy.resources.limits.cpus'],
    ['services:\n  web:\n    image: x\n    mem_limit: 1g\n', 'mem_limit is not supported by stack deploy', 4, 'services.web.mem_limit'],
    ['services:\n  web:\n    image: "${TAG:?set TAG}"\n', '"required variable TAG is missing a value: set TAG"', 3, 'services.web.image'],
    ['services:\n  web:\n    command: x\n', 'invalid image reference for service web: no image specified', 2, 'services.web.image'],
    ['- a\n', 'top-level object must be a mapping', 1, ''],
  ])('%#: %s', (src, msg, line, p) => {
    const r = load({ 'stack.yml': src });
    const err = r.diagnostics.find((d) => d.severity === 'error');
    expect(err?.message).toContain(msg);
    expect(err?.line).toBe(line);
    expect(err?.path).toBe(p);
    expect(err?.file).toBe('/w/stack.yml');
    expect(r.config).toBeUndefined();
  });

  it('warns about unsupported and deprecated options', () => {
    const r = load({ 'a.yml': 'services:\n  web:\n    image: x\n    build: .\n    container_name: c\n' });
    expect(r.config).toBeDefined();
    expect(r.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ['warning', 4],
      ['warning', 5],
    ]);
  });
});

describe('loadStack normalization', () => {
  it('env_file, environment and the process env', () => {
    const r = load(
      { 'a.yml': 'services:\n  web:\n    image: x\n    env_file: [one.env]\n    environment:\n      B: from-file-overridden\n      C:\n      D: ""\n' },
      { C: 'proc', D: 'procd' },
      { 'one.env': '# c\nA=1\nB=2\n  Q="quoted" \n' },
    );
    expect(r.config?.services[0].environment).toEqual({ A: '1', B: 'from-file-overridden', C: 'proc', D: 'procd', Q: '"quoted" ' });
  });
  it('records variables used', () => {
    const r = load({ 'a.yml': 'services:\n  web:\n    image: "x:${TAG:-1}"\n    hostname: $$NOPE\n' }, { TAG: '2', OTHER: 'x' });
    expect(r.variables).toEqual({ TAG: '2' });
    expect(r.config?.services[0].image).toBe('x:2');
    expect(r.config?.services[0].hostname).toBe('$NOPE');
  });
  it('short ports and volumes', () => {
    const r = load({ 'a.yml': 'services:\n  web:\n    image: x\n    ports: ["8000-8002:80", "53:53/udp", 9000]\n    volumes: ["data:/d:ro", "./src:/s", "~/x:/x:rshared", "/anon"]\nvolumes:\n  data:\n' });
    const s = r.config!.services[0];
    expect(s.ports.map((p) => `${p.published}:${p.target}/${p.protocol}`)).toEqual(['8000:80/tcp', '8001:80/tcp', '8002:80/tcp', '53:53/udp', '0:9000/tcp']);
    expect(s.volumes).toEqual([
      { type: 'volume', source: 'data', target: '/d', read_only: true },
      { type: 'bind', source: '/w/src', target: '/s' },
      { type: 'bind', source: '/home/me/x', target: '/x', bind: { propagation: 'rshared' } },
      { type: 'volume', target: '/anon' },
    ]);
  });
});

describe('merge of several files (as loader/merge.go)', () => {
  const base = 'services:\n  web:\n    image: x:1\n    read_only: true\n    cap_add: [NET_ADMIN]\n    environment: {A: "1", B: "1"}\n    command: ["a"]\n    ports: ["80:80"]\n    deploy:\n      replicas: 3\n      placement: {constraints: ["node.role == manager"]}\n    logging: {driver: json-file, options: {max-size: 1m}}\nnetworks:\n  n: {driver: overlay, attachable: true}\n';
  it.each([
    ['image override', 'services:\n  web:\n    image: x:2\n', (s: Record<string, unknown>) => s.image, 'x:2'],
    ['false never overrides', 'services:\n  web:\n    read_only: false\n', (s: Record<string, unknown>) => s.read_only, true],
    ['lists append', 'services:\n  web:\n    cap_add: [SYS_ADMIN]\n', (s: Record<string, unknown>) => s.cap_add, ['NET_ADMIN', 'SYS_ADMIN']],
    ['maps merge', 'services:\n  web:\n    environment: {B: "2", C: "3"}\n', (s: Record<string, unknown>) => s.environment, { A: '1', B: '2', C: '3' }],
    ['command replaced', 'services:\n  web:\n    command: b c\n', (s: Record<string, unknown>) => s.command, ['b', 'c']],
    ['replicas 0 overrides', 'services:\n  web:\n    deploy: {replicas: 0}\n', (s: Record<string, unknown>) => (s.deploy as { replicas: number }).replicas, 0],
    ['constraints append', 'services:\n  web:\n    deploy: {placement: {constraints: ["node.labels.a == b"]}}\n', (s: Record<string, unknown>) => (s.deploy as { placement: { constraints: string[] } }).placement.constraints, ['node.role == manager', 'node.labels.a == b']],
    ['ports keyed by published', 'services:\n  web:\n    ports: [{target: 8080, published: 80}, "81:81"]\n', (s: Record<string, unknown>) => (s.ports as Array<{ target: number }>).map((p) => p.target), [8080, 81]],
    ['logging same driver merges', 'services:\n  web:\n    logging: {options: {max-file: "3"}}\n', (s: Record<string, unknown>) => s.logging, { driver: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } }],
    ['logging other driver replaces', 'services:\n  web:\n    logging: {driver: syslog}\n', (s: Record<string, unknown>) => s.logging, { driver: 'syslog' }],
  ])('%s', (_n, over, pick, want) => {
    const r = load({ 'a.yml': base, 'b.yml': over });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(pick(r.config!.services[0] as unknown as Record<string, unknown>)).toEqual(want);
  });
  it('top-level entries are replaced whole', () => {
    const r = load({ 'a.yml': base, 'b.yml': 'networks:\n  n: {driver: overlay}\n' });
    expect(r.config!.networks.n.attachable).toBeUndefined();
  });
  it('version mismatch', () => {
    const r = load({ 'a.yml': 'version: "3.13"\nservices: {}\n', 'b.yml': 'version: "3.3"\nservices: {}\n' });
    expect(r.diagnostics[0].message).toContain('version mismatched between two composefiles : 3.13 and 3.3');
    expect(r.diagnostics[0].file).toBe('/w/b.yml');
  });
});

describe('loadStack time budget', () => {
  it('ends a load past its CPU budget with an error at the file, not a hang', () => {
    const r = loadStack({ files: [{ file: '/w/a.yml', content: 'services:\n  web:\n    image: x\n' }], env: {}, budgetMs: 0 });
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toEqual([{ severity: 'error', message: expect.stringMatching(/^yaml: line 1: checking the file took longer than its 0 s budget/), file: '/w/a.yml', line: 1, column: 1, path: '' }]);
  });
});
