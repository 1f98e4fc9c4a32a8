import { describe, expect, it } from 'vitest';
import { loadStack } from './loader';
import { convertConfigs, convertNetworks, convertSecrets } from './convert';
import { convertService, effectiveCaps } from './convert-service';

function cfg(src: string) {
  const r = loadStack({ files: [{ file: '/w/a.yml', content: src }], env: {}, home: '/home/me', readFile: () => 'X=1' });
  if (!r.config) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}
const ids = { secrets: { st_pw: 'sid1', ext: 'sid2' }, configs: { st_conf: 'cid1' } };
const svc = (body: string, top = '') => {
  const c = cfg(`services:\n  web:\n    image: flotilla-lab/busybox:latest\n${body}${top}`);
  return convertService('st', c.services[0], c, ids);
};

describe('convertService', () => {
  it('labels and names', () => {
    const s = svc('    labels: {a: b}\n    deploy:\n      labels: [c=d]\n');
    expect(s.Name).toBe('st_web');
    expect(s.Labels).toEqual({ c: 'd', 'com.docker.stack.namespace': 'st', 'com.docker.stack.image': 'flotilla-lab/busybox:latest' });
    expect(s.TaskTemplate.ContainerSpec.Labels).toEqual({ a: 'b', 'com.docker.stack.namespace': 'st' });
    expect(s.TaskTemplate.Networks).toEqual([{ Target: 'st_default', Aliases: ['web'] }]);
    expect(s.Mode).toEqual({ Replicated: {} });
    expect(s.TaskTemplate.Resources).toEqual({});
    expect(s.TaskTemplate.Placement).toEqual({});
    expect(s.EndpointSpec).toEqual({});
  });
  it.each([
    ['    deploy: {mode: global}\n', (s: ReturnType<typeof svc>) => s.Mode, { Global: {} }],
    ['    deploy: {replicas: 2}\n', (s: ReturnType<typeof svc>) => s.Mode, { Replicated: { Replicas: 2 } }],
    ['    deploy: {mode: replicated-job, replicas: 2}\n', (s: ReturnType<typeof svc>) => s.Mode, { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } }],
    ['    deploy: {resources: {limits: {cpus: "0.5", memory: 128M, pids: 10}, reservations: {cpus: "0.25", memory: 64M}}}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.Resources, { Limits: { NanoCPUs: 5e8, MemoryBytes: 134217728, Pids: 10 }, Reservations: { NanoCPUs: 2.5e8, MemoryBytes: 67108864 } }],
    ['    deploy: {update_config: {delay: 10s, order: start-first}}\n', (s: ReturnType<typeof svc>) => s.UpdateConfig, { Parallelism: 1, Delay: 10e9, Order: 'start-first' }],
    ['    deploy: {restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.RestartPolicy, { Condition: 'on-failure', Delay: 5e9, MaxAttempts: 3, Window: 120e9 }],
    ['    restart: unless-stopped\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.RestartPolicy, { Condition: 'any' }],
    ['    restart: on-failure:4\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.RestartPolicy, { Condition: 'on-failure', MaxAttempts: 4 }],
    ['    deploy: {placement: {constraints: [node.role == manager], preferences: [{spread: node.labels.az}], max_replicas_per_node: 2}}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.Placement, { Constraints: ['node.role == manager'], Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.az' } }], MaxReplicas: 2 }],
    ['    ports: ["80", {target: 81, published: 8081, mode: host}]\n    deploy: {endpoint_mode: VIP}\n', (s: ReturnType<typeof svc>) => s.EndpointSpec, { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishMode: 'ingress' }, { TargetPort: 81, PublishedPort: 8081, PublishMode: 'host' }] }],
    ['    healthcheck: {test: "wget -q localhost", interval: 30s, retries: 3}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 30e9, Retries: 3 }],
    ['    healthcheck: {disable: true}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['NONE'] }],
    ['    extra_hosts: ["a:10.0.0.1", "b=10.0.0.2"]\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Hosts, ['10.0.0.1 a', '10.0.0.2 b']],
    ['    ulimits: {nofile: {soft: 10, hard: 20}, nproc: 5}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Ulimits, [{ Name: 'nofile', Soft: 10, Hard: 20 }, { Name: 'nproc', Soft: 5, Hard: 5 }]],
    ['    entrypoint: sh -c\n    command: ["echo", "hi"]\n', (s: ReturnType<typeof svc>) => [s.TaskTemplate.ContainerSpec.Command, s.TaskTemplate.ContainerSpec.Args], [['sh', '-c'], ['echo', 'hi']]],
    ['    environment: [B=2, A]\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Env, ['A', 'B=2']],
    ['    stop_grace_period: 1m30s\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.StopGracePeriod, 90e9],
    ['    dns: 8.8.8.8\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.DNSConfig, { Nameservers: ['8.8.8.8'] }],
    ['    logging: {driver: json-file, options: {max-size: 10m}}\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.LogDriver, { Name: 'json-file', Options: { 'max-size': '10m' } }],
    ['    secrets: [pw, {source: ext, target: t, mode: 0400}]\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Secrets, [
      { File: { Name: 't', UID: '0', GID: '0', Mode: 256 }, SecretID: 'sid2', SecretName: 'ext' },
      { File: { Name: 'pw', UID: '0', GID: '0', Mode: 292 }, SecretID: 'sid1', SecretName: 'st_pw' },
    ]],
    ['    volumes: [data:/d, /anon, {type: tmpfs, target: /t, tmpfs: {size: 1000}}]\n', (s: ReturnType<typeof svc>) => s.TaskTemplate.ContainerSpec.Mounts, [
      { Type: 'volume', Source: 'st_data', Target: '/d', VolumeOptions: { Labels: { 'com.docker.stack.namespace': 'st', l: 'v' }, DriverConfig: { Name: 'local' } } },
      { Type: 'volume', Target: '/anon' },
      { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1000 } },
    ]],
  ])('%s', (body, pick, want) => {
    const top = 'secrets:\n  pw: {file: ./pw.txt}\n  ext: {external: true}\nvolumes:\n  data: {driver: local, labels: {l: v}}\n';
    expect(pick(svc(body, top))).toEqual(want);
  });
  it.each([
    ['    deploy: {mode: global, replicas: 2}\n', 'replicas can only be used with replicated or replicated-job mode'],
    ['    deploy: {mode: daemon}\n', 'unknown mode: daemon'],
    ['    networks: [nope]\n', 'references network "nope", which is not declared'],
    ['    volumes: [nope:/x]\n', 'undefined volume "nope"'],
    ['    healthcheck: {disable: true, test: ["CMD", "x"]}\n', "test and disable can't be set at the same time"],
  ])('fails: %s', (body, msg) => {
    expect(() => svc(body)).toThrow(msg);
  });
  it('caps', () => {
    expect(effectiveCaps(['net_admin', 'CAP_SYS_ADMIN'], ['net_admin', 'chown'])).toEqual({ add: ['CAP_NET_ADMIN', 'CAP_SYS_ADMIN'], drop: ['CAP_CHOWN'] });
    expect(effectiveCaps(['ALL'], ['chown'])).toEqual({ add: ['ALL'], drop: ['CAP_CHOWN'] });
  });
});

describe('networks, secrets, configs', () => {
  it('only used networks, external skipped, name: honoured', () => {
    const c = cfg('services:\n  a: {image: x, networks: [front, ext, named]}\n  b: {image: x}\nnetworks:\n  front: {driver: overlay, attachable: true, internal: true, driver_opts: {encrypted: ""}, ipam: {config: [{subnet: 10.9.0.0/24}]}, labels: [k=v]}\n  ext: {external: true}\n  named: {name: my-net}\n  unused: {}\n');
    expect(convertNetworks('st', c)).toEqual({
      create: {
        st_default: { Labels: { 'com.docker.stack.namespace': 'st' }, Driver: '', Internal: false, Attachable: false },
        st_front: { Labels: { k: 'v', 'com.docker.stack.namespace': 'st' }, Driver: 'overlay', Options: { encrypted: '' }, Internal: true, Attachable: true, IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] } },
        'my-net': { Labels: { 'com.docker.stack.namespace': 'st' }, Driver: '', Internal: false, Attachable: false },
      },
      external: ['ext'],
    });
  });
  it('file secrets and configs', () => {
    const c = cfg('services: {}\nsecrets:\n  s: {file: ./s.txt, labels: {a: b}}\n  e: {external: true}\nconfigs:\n  c: {file: ./c.txt, name: fixed, template_driver: golang}\n');
    const read = (p: string) => Buffer.from(p);
    expect(convertSecrets('st', c, read)).toEqual([{ Name: 'st_s', Labels: { a: 'b', 'com.docker.stack.namespace': 'st' }, Data: Buffer.from('/w/s.txt').toString('base64') }]);
    expect(convertConfigs('st', c, read)).toEqual([{ Name: 'fixed', Labels: { 'com.docker.stack.namespace': 'st' }, Data: Buffer.from('/w/c.txt').toString('base64'), Templating: { Name: 'golang' } }]);
  });
});

describe('plan diff', () => {
  it('ignores daemon defaults and empty values, reports real changes', async () => {
    const { diffSpecs } = await import('./plan');
    const current = { Mode: { Replicated: { Replicas: 2 } }, EndpointSpec: { Mode: 'vip' }, UpdateConfig: { Parallelism: 1, FailureAction: 'pause', MaxFailureRatio: 0 }, TaskTemplate: { ContainerSpec: { Image: 'x:1@sha256:abc', Env: ['A=1'] }, ForceUpdate: 0 } };
    const desired = { Mode: { Replicated: { Replicas: 3 } }, EndpointSpec: {}, UpdateConfig: { Parallelism: 1 }, TaskTemplate: { ContainerSpec: { Image: 'x:1', Env: ['A=2'] } } };
    expect(diffSpecs(current, desired)).toEqual([
      { path: 'Mode.Replicated.Replicas', from: 2, to: 3 },
      { path: 'TaskTemplate.ContainerSpec.Env', from: ['A=1'], to: ['A=2'] },
    ]);
  });
});
