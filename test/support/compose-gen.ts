// A fast-check generator of compose files for the differential against `docker stack config` (issue 22): service and
// top-level fields in valid and invalid forms, every bundled schema version and none, written as JSON, block YAML and
// flow YAML, with the YAML 1.1 traps (yes/no/on/off, 0644, 22:22, ~) written unquoted and, in block YAML, anchors
// and merge keys. Leaves are either plain JS values (written quoted, so both sides read the same string) or `Raw`
// tokens written as they are, so each loader reads them by its own YAML rules.
import fc from 'fast-check';

export interface Raw {
  raw: string;
}
export type GenValue = string | number | boolean | null | Raw | GenValue[] | { [k: string]: GenValue };

const raw = (text: string): Raw => ({ raw: text });
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Raw).raw === 'string';

// YAML 1.1 traps and other plain scalars that read differently across YAML versions
// (`true`/`false` are booleans in every YAML version, which labels and options refuse: they are in BOOL_TRAPS)
// (and YAML timestamps, which docker's yaml.v3 reads as a Go time.Time, a non-existent date staying a string)
const TRAPS = ['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', '~', 'null', '0644', '0o644', '0x1F', '22:22', '1:20:30', '1e3', '.5', '+1', '-0', '1_000', '.inf', '-.Inf', '.nan', '2001-12-14', '2001-12-14T21:59:43.10-05:00', '2002-1-4 1:2:3.5', '2001-12-14t21:59:43Z', '2001-02-30'];
const BOOL_TRAPS = ['true', 'False'];
const WORDS = ['web', 'api', 'db', 'a', 'b', 'x1', 'x10', 'x9', 'Z', '_', '1', 'über', 'a b', 'a: b', '#c', '- d', 'it\'s', 'q"q', '', ' lead', 'trail ', 'two\nlines', 'tab\there', '*star', '&amp', '!bang', '%pct', '@at', '`tick', '[br]', '{c}', 'a,b', '---', 'é'];

const word = fc.constantFrom(...WORDS.filter((w) => w !== ''));
const ident = fc.constantFrom('web', 'api', 'db', 'cache', 'w1', 'w10', 'w9', 'svc_a', 'svc-b');
const trap = fc.constantFrom(...TRAPS).map(raw);
// label, environment and option values: strings, numbers or null (booleans are refused by the schema)
const scalar: fc.Arbitrary<GenValue> = fc.oneof({ weight: 3, arbitrary: word }, { weight: 2, arbitrary: trap }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 70000 }) }, { weight: 1, arbitrary: fc.constant(null) });
const anyScalar: fc.Arbitrary<GenValue> = fc.oneof(scalar, fc.boolean(), fc.constantFrom(...BOOL_TRAPS).map(raw));
const duration = fc.constantFrom('0s', '5s', '90s', '1m30s', '1.5h', '500ms', '1h', '2m', '10us', '1.5s', '3600s', '250ms', '72h');
const size = fc.constantFrom('256M', '1g', '2G', '512m', '1.5G', '100k', '64m', '1024', '2gb');
const mapOrList = (vals: fc.Arbitrary<GenValue>): fc.Arbitrary<GenValue> =>
  fc.oneof(
    fc.dictionary(fc.oneof(ident, word), vals, { maxKeys: 4 }),
    fc.uniqueArray(fc.tuple(fc.oneof(ident, word), fc.option(vals, { nil: undefined })), { maxLength: 4, selector: ([k]) => k }).map((items) => items.map(([k, v]) => (v === undefined ? k : `${k}=${isRaw(v) ? v.raw : String(v)}`))),
  );

const shortPort = fc.constantFrom('80', '8080:80', '127.0.0.1:8080:80', '8080:80/udp', '8000-8001:80-81', '9090-9091:8080-8081/tcp', '3000', '0.0.0.0:53:53/udp');
const longPort = fc.record({ target: fc.integer({ min: 1, max: 9000 }), published: fc.option(fc.integer({ min: 1, max: 9000 }), { nil: undefined }), protocol: fc.option(fc.constantFrom('tcp', 'udp', 'sctp'), { nil: undefined }), mode: fc.option(fc.constantFrom('ingress', 'host'), { nil: undefined }) }, { requiredKeys: ['target'] });
const shortVolume = fc.constantFrom('data:/data', '/data', './src:/src:ro', 'v:/v:nocopy', 'c:/x:/y', '/h:/b:rslave', 'named:/n:rw', '~/x:/x', '/only');
const longVolume = fc.record(
  { type: fc.constantFrom('volume', 'bind', 'tmpfs'), source: fc.constantFrom('data', '/abs', './rel'), target: fc.constantFrom('/t', '/u'), read_only: fc.boolean(), volume: fc.record({ nocopy: fc.boolean() }), tmpfs: fc.record({ size: fc.integer({ min: 0, max: 100000 }) }), bind: fc.record({ propagation: fc.constantFrom('rprivate', 'shared') }) },
  { requiredKeys: ['type', 'target'] },
);

const deploy = fc.record(
  {
    mode: fc.constantFrom('replicated', 'global'),
    replicas: fc.integer({ min: 0, max: 5 }),
    labels: mapOrList(scalar),
    endpoint_mode: fc.constantFrom('vip', 'dnsrr'),
    resources: fc.record({ limits: fc.record({ cpus: fc.constantFrom('0.5', '1', '2.25'), memory: size, pids: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: [] }), reservations: fc.record({ cpus: fc.constantFrom('0.25'), memory: size }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    restart_policy: fc.record({ condition: fc.constantFrom('none', 'on-failure', 'any'), delay: duration, max_attempts: fc.integer({ min: 0, max: 5 }), window: duration }, { requiredKeys: [] }),
    update_config: fc.record({ parallelism: fc.integer({ min: 0, max: 3 }), delay: duration, failure_action: fc.constantFrom('pause', 'continue', 'rollback'), monitor: duration, max_failure_ratio: fc.constantFrom(0, 0.1, 0.3, 1), order: fc.constantFrom('start-first', 'stop-first') }, { requiredKeys: [] }),
    placement: fc.record({ constraints: fc.array(fc.constantFrom('node.role==manager', 'node.labels.zone!=a', 'engine.labels.x==y'), { maxLength: 2 }), preferences: fc.array(fc.constant({ spread: 'node.labels.zone' }), { maxLength: 1 }), max_replicas_per_node: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const healthcheck = fc.record({ test: fc.oneof(fc.constantFrom('true', 'curl -f http://x'), fc.constant(['CMD', 'true']), fc.constant(['NONE'])), interval: duration, timeout: duration, retries: fc.integer({ min: 0, max: 5 }), start_period: duration, disable: fc.boolean() }, { requiredKeys: [] });

const serviceFields = {
  image: fc.constantFrom('busybox', 'nginx:1.25', 'registry.local:5000/x/y:1', 'busybox@sha256:' + 'a'.repeat(64)),
  command: fc.oneof(fc.constantFrom('echo hi', 'sh -c "sleep 1"', "sh -c 'a b'"), fc.array(word, { minLength: 1, maxLength: 3 })),
  entrypoint: fc.oneof(fc.constantFrom('/bin/sh', 'tini --'), fc.array(word, { maxLength: 2 })),
  environment: mapOrList(scalar),
  labels: mapOrList(scalar),
  ports: fc.uniqueArray(fc.oneof(shortPort, longPort), { maxLength: 3, selector: (p) => JSON.stringify(p) }),
  volumes: fc.uniqueArray(fc.oneof(shortVolume, longVolume), { maxLength: 3, selector: (v) => JSON.stringify(v) }),
  deploy,
  healthcheck,
  stop_grace_period: duration,
  stop_signal: fc.constantFrom('SIGTERM', 'SIGINT'),
  tmpfs: fc.oneof(fc.constantFrom('/run', '/tmp:size=64m'), fc.uniqueArray(fc.constantFrom('/run', '/tmp:size=64m'), { maxLength: 2 })),
  dns: fc.oneof(fc.constantFrom('8.8.8.8', '1.1.1.1'), fc.uniqueArray(fc.constantFrom('8.8.8.8', '1.1.1.1'), { maxLength: 2 })),
  dns_search: fc.oneof(fc.constantFrom('example.com', 'a.b'), fc.uniqueArray(fc.constantFrom('example.com', 'a.b'), { maxLength: 2 })),
  extra_hosts: fc.oneof(fc.uniqueArray(fc.constantFrom('h:1.2.3.4', 'g=5.6.7.8', 'v6:::1'), { maxLength: 2 }), fc.dictionary(fc.constantFrom('h', 'g'), fc.constantFrom('1.2.3.4', '::1'))),
  cap_add: fc.uniqueArray(fc.constantFrom('NET_ADMIN', 'SYS_TIME'), { maxLength: 2 }),
  cap_drop: fc.uniqueArray(fc.constantFrom('ALL', 'MKNOD'), { maxLength: 2 }),
  sysctls: mapOrList(fc.oneof(fc.integer({ min: 0, max: 2048 }), word)),
  ulimits: fc.dictionary(fc.constantFrom('nproc', 'nofile'), fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.record({ soft: fc.integer({ min: 1, max: 100 }), hard: fc.integer({ min: 100, max: 200 }) }))),
  logging: fc.record({ driver: fc.constantFrom('json-file', 'syslog'), options: fc.dictionary(fc.constantFrom('max-size', 'tag'), fc.oneof(word, trap)) }, { requiredKeys: [] }),
  user: fc.constantFrom('1000', 'root', '1000:1000'),
  working_dir: fc.constantFrom('/w', '/app'),
  hostname: word,
  init: fc.boolean(),
  read_only: fc.boolean(),
  tty: fc.boolean(),
  stdin_open: fc.boolean(),
  privileged: fc.boolean(),
  isolation: fc.constantFrom('default', 'process'),
  container_name: word,
  build: fc.oneof(fc.constant('.'), fc.record({ context: fc.constant('.'), dockerfile: fc.constant('Dockerfile.x'), args: mapOrList(scalar), target: fc.constant('t') }, { requiredKeys: ['context'] })),
  devices: fc.array(fc.constant('/dev/fuse'), { maxLength: 1 }),
  expose: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 9000 }), fc.constantFrom('80', '8000-8010')), { maxLength: 2 }),
  restart: fc.constantFrom('always', 'no', 'on-failure'),
  shm_size: fc.constantFrom('64m', '1g'),
  'x-svc': anyScalar,
};

const service = fc.record(serviceFields, { requiredKeys: [] }).map((s) => s as Record<string, GenValue>);

const network = fc.record({ driver: fc.constantFrom('overlay', 'bridge'), attachable: fc.boolean(), internal: fc.boolean(), external: fc.boolean(), labels: mapOrList(scalar), driver_opts: fc.dictionary(fc.constantFrom('a', 'com.docker.network.driver.mtu'), fc.oneof(word, fc.integer({ min: 1, max: 9000 }))), ipam: fc.record({ driver: fc.constant('default'), config: fc.array(fc.record({ subnet: fc.constantFrom('10.1.0.0/24', '10.2.0.0/16') }), { maxLength: 2 }) }, { requiredKeys: [] }) }, { requiredKeys: [] });
const volume = fc.oneof(fc.record({ driver: fc.constantFrom('local'), driver_opts: fc.dictionary(fc.constantFrom('type', 'o'), word), labels: mapOrList(scalar), name: ident }, { requiredKeys: [] }), fc.record({ external: fc.constant(true), name: ident }, { requiredKeys: ['external'] }));
const externalObj = fc.record({ external: fc.constant(true), name: fc.option(ident, { nil: undefined }) }, { requiredKeys: ['external'] });

export const VERSIONS = [undefined, '3', '3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

// one wrong thing, put into an otherwise generated file (path from the service, value)
const INVALID: Array<[string[], GenValue]> = [
  [['image'], 12],
  [['user'], 1000],
  [['deploy', 'replicas'], 'two'],
  [['deploy', 'mode'], 'bogus'],
  [['deploy', 'resources', 'limits', 'memory'], '256Mi'],
  [['deploy', 'resources', 'limits', 'memory'], 'big'],
  [['deploy', 'restart_policy', 'delay'], 'soon'],
  [['deploy', 'restart_policy', 'delay'], '5'],
  [['stop_grace_period'], '1d'],
  [['healthcheck', 'interval'], '-1s'],
  [['ports'], ['1:2:3:4']],
  [['ports'], ['[::1]:80:80']],
  [['ports'], ['65536:80']],
  [['ports'], ['x:80']],
  [['ports'], [{ published: 80 }]],
  [['volumes'], ['a::/b']],
  [['volumes'], ['x:/y:ro:z']],
  [['bogus_key'], 'unknown option'],
  [['environment'], [1, 2]],
  [['labels'], 'a=b'],
  [['cap_add'], 'NET_ADMIN'],
  [['ulimits', 'nofile'], { soft: 'x' }],
  [['networks'], ['undefined_net']],
  [['secrets'], ['undefined_secret']],
  [['deploy', 'resources', 'limits', 'cpus'], 0.5],
  [['labels'], { flag: true }],
  [['dns'], ['8.8.8.8', '8.8.8.8']],
  [['hostname'], raw('2001-12-14')],
  [['command'], [raw('2001-12-14T21:59:43Z')]],
];

function inject(doc: Record<string, GenValue>, which: number): Record<string, GenValue> {
  const services = doc.services as Record<string, Record<string, GenValue>>;
  const name = Object.keys(services)[0];
  if (!name) return { ...doc, services: { web: { image: 12 } } };
  const [p, value] = INVALID[which % INVALID.length]!;
  const svc = structuredClone(services[name]!) as Record<string, GenValue>;
  let at: Record<string, GenValue> = svc;
  for (const k of p.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== 'object' || Array.isArray(at[k])) at[k] = {};
    at = at[k] as Record<string, GenValue>;
  }
  at[p.at(-1)!] = value;
  return { ...doc, services: { ...services, [name]: svc } };
}

const validDoc: fc.Arbitrary<Record<string, GenValue>> = fc
  .record(
    {
      version: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.constantFrom('3.13', '3.12', '3.9', '3.8') }, { weight: 2, arbitrary: fc.constantFrom(...VERSIONS) }),
      services: fc.dictionary(ident, service, { minKeys: 0, maxKeys: 3 }),
      networks: fc.dictionary(fc.constantFrom('front', 'back', 'n'), fc.oneof(network, fc.constant(null)), { maxKeys: 2 }),
      volumes: fc.dictionary(fc.constantFrom('data', 'v', 'cache'), fc.oneof(volume, fc.constant(null)), { maxKeys: 2 }),
      secrets: fc.dictionary(fc.constantFrom('s1', 's2'), externalObj, { maxKeys: 2 }),
      configs: fc.dictionary(fc.constantFrom('c1'), externalObj, { maxKeys: 1 }),
      'x-top': anyScalar,
    },
    { requiredKeys: ['services'] },
  )
  .map((d) => {
    const out: Record<string, GenValue> = {};
    for (const [k, v] of Object.entries(d)) if (v !== undefined) out[k] = v as GenValue;
    return out;
  });

/** nine in ten files as generated, one in ten with one wrong value put in */
export const composeDoc: fc.Arbitrary<Record<string, GenValue>> = fc.tuple(validDoc, fc.integer({ min: 0, max: 10 * INVALID.length - 1 })).map(([d, r]) => (r < INVALID.length ? inject(d, r) : d));

// ---- writers ----

const quote = (s: string): string => JSON.stringify(s);

function scalarText(v: string | number | boolean | null | Raw): string {
  if (isRaw(v)) return v.raw;
  if (typeof v === 'string') return quote(v);
  return String(v);
}

export function toJson(doc: GenValue): string {
  const plain = (v: GenValue): unknown => (isRaw(v) ? v.raw : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v);
  return JSON.stringify(plain(doc), null, 2) + '\n';
}

/** a record's entries without the keys fast-check left undefined (an optional field not drawn), as JSON.stringify drops them */
const defined = (v: { [k: string]: GenValue }): Array<[string, GenValue]> => Object.entries(v).filter(([, x]) => x !== undefined);

export function toFlowYaml(v: GenValue): string {
  if (v === null || typeof v !== 'object' || isRaw(v)) return scalarText(v as string);
  if (Array.isArray(v)) return `[${v.map(toFlowYaml).join(', ')}]`;
  return `{${defined(v).map(([k, x]) => `${quote(k)}: ${toFlowYaml(x)}`).join(', ')}}`;
}

export function toBlockYaml(v: GenValue, indent = 0): string {
  const pad = ' '.repeat(indent);
  const leaf = (x: GenValue): string | undefined => (x === null || typeof x !== 'object' || isRaw(x) ? scalarText(x as string) : Array.isArray(x) ? (x.length ? undefined : '[]') : Object.keys(x).length ? undefined : '{}');
  if (Array.isArray(v)) return v.map((x) => { const l = leaf(x); return l !== undefined ? `${pad}- ${l}\n` : `${pad}-\n${toBlockYaml(x, indent + 2)}`; }).join('');
  if (v && typeof v === 'object' && !isRaw(v))
    return defined(v).map(([k, x]) => { const l = leaf(x); const key = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !TRAPS.includes(k) ? k : quote(k); return l !== undefined ? `${pad}${key}: ${l}\n` : `${pad}${key}:\n${toBlockYaml(x, indent + 2)}`; }).join('');
  return `${pad}${leaf(v)}\n`;
}

/** block YAML where the first service's labels and deploy are shared with the others through an anchor and merge keys */
export function toBlockYamlWithAnchors(doc: Record<string, GenValue>): string {
  const services = doc.services as Record<string, Record<string, GenValue>> | undefined;
  const names = Object.keys(services ?? {});
  if (!services || names.length < 2) return toBlockYaml(doc);
  const shared = { labels: services[names[0]!]!.labels ?? { shared: 'yes' } };
  const lines = [`x-shared: &shared\n${toBlockYaml(shared, 2)}`];
  for (const [k, v] of Object.entries(doc)) {
    if (k !== 'services') {
      lines.push(toBlockYaml({ [k]: v }));
      continue;
    }
    lines.push('services:\n');
    names.forEach((n, i) => {
      const { labels: _l, ...rest } = services[n]!;
      lines.push(`  ${quote(n)}:\n`);
      if (i > 0) lines.push('    <<: *shared\n');
      lines.push(toBlockYaml(i > 0 ? rest : services[n]!, 4));
    });
  }
  return lines.join('');
}

export type Format = 'json' | 'block' | 'flow' | 'anchors';
export function write(doc: Record<string, GenValue>, format: Format): string {
  switch (format) {
    case 'json':
      return toJson(doc);
    case 'flow':
      return toFlowYaml(doc) + '\n';
    case 'anchors':
      return toBlockYamlWithAnchors(doc);
    default:
      return toBlockYaml(doc);
  }
}
