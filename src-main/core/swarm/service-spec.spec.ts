import { describe, expect, it } from 'vitest';
import { applyServiceUpdate, buildServiceSpec, parseMount, parsePublish } from './service-spec';
import { parseBytes, parseDuration } from './duration';

const refs = {
  secret: (r: string) => {
    if (r !== 'db_pw') throw new Error(`no such secret: ${r}`);
    return { id: 'sec1', name: 'db_pw' };
  },
  config: (r: string) => ({ id: `cfg-${r}`, name: r }),
};

describe('service spec builder', () => {
  it('builds a replicated service with ports, env, mounts, placement, update/rollback, restart, resources, health', () => {
    const spec = buildServiceSpec(
      {
        name: 'web',
        image: 'nginx:1.27',
        args: ['nginx', '-g', 'daemon off;'],
        replicas: 3,
        publish: ['8080:80', 'published=53,target=53,protocol=udp,mode=host'],
        env: ['A=1', 'B=two=2'],
        mounts: ['type=volume,source=data,target=/data,readonly', '/srv:/srv:ro'],
        networks: ['front'],
        constraints: ['node.role==worker'],
        placementPrefs: ['spread=node.labels.zone'],
        updateParallelism: 2,
        updateDelay: '10s',
        updateFailureAction: 'rollback',
        updateOrder: 'start-first',
        rollbackParallelism: 1,
        restartCondition: 'on-failure',
        restartDelay: '5s',
        restartMaxAttempts: 3,
        limitCpu: 0.5,
        limitMemory: '256m',
        reserveMemory: '64m',
        healthCmd: 'wget -q -O- localhost',
        healthInterval: '30s',
        healthRetries: 3,
        secrets: ['db_pw', 'source=db_pw,target=/run/pw,mode=0400'],
        configs: ['nginx_conf'],
        labels: ['tier=front'],
      },
      refs,
    );
    expect(spec.Name).toBe('web');
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(spec.TaskTemplate.ContainerSpec.Args).toEqual(['nginx', '-g', 'daemon off;']);
    expect(spec.EndpointSpec?.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 53, PublishMode: 'host' },
    ]);
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(['A=1', 'B=two=2']);
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: true },
      { Type: 'bind', Source: '/srv', Target: '/srv', ReadOnly: true },
    ]);
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: 'front' }]);
    expect(spec.TaskTemplate.Placement).toEqual({ Constraints: ['node.role==worker'], Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }] });
    expect(spec.UpdateConfig).toEqual({ Parallelism: 2, Delay: 10e9, FailureAction: 'rollback', Order: 'start-first' });
    expect(spec.RollbackConfig).toMatchObject({ Parallelism: 1 });
    expect(spec.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 5e9, MaxAttempts: 3 });
    expect(spec.TaskTemplate.Resources).toEqual({ Limits: { NanoCPUs: 5e8, MemoryBytes: 256 * 2 ** 20 }, Reservations: { MemoryBytes: 64 * 2 ** 20 } });
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'wget -q -O- localhost'], Interval: 30e9, Retries: 3 });
    expect(spec.TaskTemplate.ContainerSpec.Secrets).toEqual([
      { SecretID: 'sec1', SecretName: 'db_pw', File: { Name: 'db_pw', UID: '0', GID: '0', Mode: 0o444 } },
      { SecretID: 'sec1', SecretName: 'db_pw', File: { Name: '/run/pw', UID: '0', GID: '0', Mode: 0o400 } },
    ]);
    expect(spec.TaskTemplate.ContainerSpec.Configs?.[0]).toMatchObject({ ConfigID: 'cfg-nginx_conf', ConfigName: 'nginx_conf' });
    expect(spec.Labels).toEqual({ tier: 'front' });
  });

  it('global mode, defaults, no healthcheck', () => {
    const spec = buildServiceSpec({ image: 'busybox', mode: 'global', noHealthcheck: true });
    expect(spec.Mode).toEqual({ Global: {} });
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(buildServiceSpec({ image: 'busybox' }).Mode).toEqual({ Replicated: { Replicas: 1 } });
  });

  it('rejects bad input with messages that name the flag', () => {
    expect(() => buildServiceSpec({ image: 'x', replicas: -1 })).toThrow('invalid replicas "-1"');
    expect(() => buildServiceSpec({ image: 'x', mode: 'global', replicas: 2 })).toThrow('--replicas cannot be used with --mode global');
    expect(() => parsePublish('99999:80')).toThrow('invalid published port "99999"');
    expect(() => parsePublish('abc')).toThrow('invalid --publish "abc"');
    expect(() => parsePublish('target=80,mode=routing')).toThrow('invalid mode "routing"');
    expect(() => parseMount('type=bind,target=/x')).toThrow('a bind mount needs source');
    // opts.ValidateEnv keeps a bare name; only an empty name is refused
    expect(buildServiceSpec({ image: 'x', env: ['NOEQUALS'] }).TaskTemplate.ContainerSpec.Env).toEqual(['NOEQUALS']);
    expect(() => buildServiceSpec({ image: 'x', env: ['=x'] })).toThrow('invalid --env "=x"');
    expect(() => buildServiceSpec({ image: 'x', noHealthcheck: true, healthCmd: 'true' })).toThrow('--no-healthcheck conflicts with --health-* options');
    expect(() => parseDuration('5', '--update-delay')).toThrow('time: missing unit in duration "5"');
    expect(parseDuration('0')).toBe(0);
    expect(() => buildServiceSpec({ image: 'x', constraints: ['node.role'] })).toThrow('invalid --constraint');
    expect(() => buildServiceSpec({ image: 'x', publish: ['80:80', '80:81'] })).toThrow('port 80/tcp is published twice');
    expect(() => buildServiceSpec({ image: 'x', secrets: ['nope'] }, refs)).toThrow('no such secret: nope');
    expect(() => parseDuration('10 parsecs')).toThrow('invalid duration');
    expect(() => parseBytes('lots')).toThrow('invalid size');
  });

  it('stores what docker service create stores for the defaults it sets (issue 22, service-flags-parity)', () => {
    const spec = buildServiceSpec({ image: 'x', reserveCpu: 0.25, mounts: ['type=volume,target=/anon,volume-nocopy'] });
    expect(spec.TaskTemplate.ContainerSpec.Init).toBe(false);
    expect(spec.TaskTemplate.Resources).toEqual({ Limits: {}, Reservations: { NanoCPUs: 250_000_000 } });
    expect(spec.TaskTemplate.ContainerSpec.Mounts?.[0]?.VolumeOptions).toEqual({ DriverConfig: {}, NoCopy: true });
  });

  it('updates as docker service update does: defaults under a missing update config, sorted constraints, bare env names', () => {
    const base = buildServiceSpec({ image: 'x', env: ['A=1', 'B=2'], constraints: ['node.role==manager'] });
    delete base.UpdateConfig;
    const { spec } = applyServiceUpdate(base, { updateFailureAction: 'continue', constraintAdd: ['node.labels.z==1', 'node.role==manager'], envAdd: ['E', 'A=2'], envRm: ['B'] });
    expect(spec.UpdateConfig).toEqual({ Parallelism: 1, FailureAction: 'continue', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' });
    expect(spec.TaskTemplate.Placement?.Constraints).toEqual(['node.labels.z==1', 'node.role==manager']);
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(['E', 'A=2']);
  });

  it('durations and sizes as the docker CLI takes them', () => {
    expect(parseDuration('1m30s')).toBe(90e9);
    expect(parseDuration('500ms')).toBe(5e8);
    expect(parseDuration('2h')).toBe(7200e9);
    expect(parseBytes('1g')).toBe(2 ** 30);
    expect(parseBytes('1024')).toBe(1024);
  });

  it('applies updates like docker service update', () => {
    const base = buildServiceSpec({ name: 'web', image: 'a:1', replicas: 2, env: ['A=1', 'B=2'], publish: ['8080:80'] });
    const { spec, warnings } = applyServiceUpdate(base, { image: 'a:2', envAdd: ['A=9', 'C=3'], envRm: ['B'], publishAdd: ['published=9090,target=90,mode=host'], publishRm: ['80', '7777'], replicas: 6, force: true, updateParallelism: 2 });
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe('a:2');
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(['A=9', 'C=3']);
    expect(spec.EndpointSpec?.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 90, PublishedPort: 9090, PublishMode: 'host' }]);
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 6 } });
    expect(spec.TaskTemplate.ForceUpdate).toBe(1);
    expect(spec.UpdateConfig?.Parallelism).toBe(2);
    expect(warnings).toEqual(['port 7777 was not published; nothing removed']);
    // the original spec is untouched
    expect(base.TaskTemplate.ContainerSpec.Image).toBe('a:1');
    expect(() => applyServiceUpdate(buildServiceSpec({ image: 'x', mode: 'global' }), { replicas: 2 })).toThrow('--replicas can only be set on a replicated service');
    expect(() => applyServiceUpdate(base, { publishAdd: ['8080:81'] })).toThrow('port 8080/tcp is already published');
  });
});
