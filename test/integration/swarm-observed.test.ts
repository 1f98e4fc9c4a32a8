// Task states shown from the nodes' own container events (core/swarm/observed.ts) on the 3-node lab, the docker CLI on
// the nodes as the oracle: a task without a healthcheck is running once its container started, one with a healthcheck
// only once the container is healthy (Docker's swarm executor reports running then), and a scaled-down task is
// shutdown once its container stopped; every state the model showed is one the task really passed through.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import type { ClusterModel, ModelEvent } from '../../src-main/api/domains/swarm';
import { applyChanges } from '../../src-main/core/swarm/cluster-model';
import { streamEngineEvents } from '../../src-main/core/engine/events';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';

interface Seen {
  state: string;
  /** this process's clock when the model showed it */
  seenAt: number;
  /** the task's status timestamp in the model */
  at: string;
  message?: string;
  containerId?: string;
}

describeLab('task states from the nodes’ own events on the lab', () => {
  let nodes: LabNode[];
  let manager: EngineConnection;
  let pool: ReturnType<typeof sw.pooledConnector>;
  let watcher: sw.ClusterWatcher;
  let model: ClusterModel = { nodes: {}, services: {}, tasks: {} };
  const seen = new Map<string, Seen[]>();
  const names: string[] = [];
  /** the test's own streams of every node's task-container events: when each task's container died (engine time) */
  const diedAt = new Map<string, number>();
  const events = new AbortController();
  const streams: EngineConnection[] = [];
  const ssh = (ip: string) => parseEngineUrl(`ssh://root@${ip}`, { sshKey: nodes[0].identity });

  beforeAll(async () => {
    nodes = labNodes();
    await ensureLabSwarm(nodes);
    manager = await connectEngine(ssh(nodes[0].ip));
    pool = sw.pooledConnector((n) => connectEngine(ssh(n.addr)));
    for (const n of nodes) {
      const c = await connectEngine(ssh(n.ip));
      streams.push(c);
      await new Promise<void>((opened, failed) => {
        streamEngineEvents<{ Action?: string; timeNano?: number; Actor?: { Attributes?: Record<string, string> } }>(c, { type: ['container'], label: ['com.docker.swarm.task.id'] }, events.signal, (e) => {
          const t = e.Actor?.Attributes?.['com.docker.swarm.task.id'];
          if (t && e.Action === 'die' && e.timeNano) diedAt.set(t, e.timeNano / 1e6);
        }, opened).catch(failed);
      });
    }
    watcher = new sw.ClusterWatcher({ manager, connectNode: pool.connectNode });
    await watcher.start();
    watcher.subscribe((e: ModelEvent) => {
      if (e.type === 'snapshot') model = e.model;
      else if (e.type === 'diff') model = applyChanges(model, e.changes);
      else return;
      for (const t of Object.values(model.tasks)) {
        const list = seen.get(t.id) ?? [];
        if (list.at(-1)?.state !== t.state) list.push({ state: t.state, seenAt: Date.now(), at: t.timestamps.status, message: t.message, containerId: t.containerId });
        seen.set(t.id, list);
      }
    });
  }, 600_000);

  afterAll(async () => {
    watcher?.stop();
    events.abort();
    for (const c of streams) await c.close();
    for (const n of names) await nodeDocker(nodes[0], ['service', 'rm', n]);
    await pool?.close();
    await manager?.close();
  });

  /** the node a task ran on, by the model's node id */
  const nodeOf = (nodeId: string | undefined): LabNode => {
    const host = nodeId ? model.nodes[nodeId]?.hostname : undefined;
    const n = nodes.find((x) => x.name === host);
    if (!n) throw new Error(`no lab node for ${nodeId} (${host})`);
    return n;
  };

  it('a container with a healthcheck is shown running only once healthy; one without as soon as it started', async () => {
    const plain = `obs-plain-${Date.now().toString(36)}`;
    const checked = `obs-health-${Date.now().toString(36)}`;
    names.push(plain, checked);
    await nodeDockerOk(nodes[0], ['service', 'create', '--detach', '--name', plain, '--stop-grace-period', '1s', LAB_BUSYBOX, 'sleep', '3600']);
    // healthy no sooner than 2 s after the container started: /tmp/ok appears then, checked every 500 ms
    await nodeDockerOk(nodes[0], [
      'service', 'create', '--detach', '--name', checked, '--stop-grace-period', '1s',
      '--health-cmd', 'test -f /tmp/ok', '--health-interval', '500ms', '--health-timeout', '1s', '--health-retries', '10', '--health-start-period', '0s',
      LAB_BUSYBOX, 'sh', '-c', 'sleep 2; touch /tmp/ok; exec sleep 3600',
    ]);
    const taskOf = (service: string) => Object.values(model.tasks).find((t) => t.serviceName === service && t.desiredState === 'running');
    await until('both tasks running in the model', async () => taskOf(plain)?.state === 'running' && taskOf(checked)?.state === 'running', 120_000, 100);

    for (const [service, health] of [[plain, false], [checked, true]] as const) {
      const task = taskOf(service)!;
      const node = nodeOf(task.nodeId);
      const cid = task.containerId!;
      expect(cid).toMatch(/^[0-9a-f]{64}$/);
      const inspect = JSON.parse(await nodeDockerOk(node, ['inspect', '--format', '{{json .State}}', cid])) as { StartedAt: string; Health?: { Log?: Array<{ ExitCode: number; End: string }> } };
      const states = (seen.get(task.id) ?? []).map((s) => s.state);
      // no state shown twice, none out of swarmkit's order
      expect(new Set(states).size).toBe(states.length);
      const running = seen.get(task.id)!.find((s) => s.state === 'running')!;
      const started = Date.parse(inspect.StartedAt);
      if (!health) {
        // running from the moment its container started (the event's time, or the agent's a moment later)
        expect(Math.abs(Date.parse(running.at) - started)).toBeLessThan(1000);
      } else {
        const passed = inspect.Health?.Log?.find((l) => l.ExitCode === 0);
        expect(passed, 'the model showed running before any health check passed').toBeDefined();
        const healthyAt = Date.parse(passed!.End);
        expect(healthyAt - started).toBeGreaterThanOrEqual(1900);
        // never running before its first passing check: started (and starting) for the 2 s before
        expect(Date.parse(running.at)).toBeGreaterThanOrEqual(healthyAt - 5);
        expect(running.seenAt).toBeGreaterThanOrEqual(healthyAt - 5);
        expect(states).toContain('starting');
      }
      // what swarm itself says now
      expect((await nodeDockerOk(nodes[0], ['service', 'ps', '--format', '{{.CurrentState}}', '--filter', 'desired-state=running', service])).trim()).toMatch(/^Running /);
    }
  });

  it('a scaled-down task is shown shutdown once its container stopped, never before', async () => {
    const name = `obs-scale-${Date.now().toString(36)}`;
    names.push(name);
    const { id } = await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], replicas: 3, stopGracePeriod: '1s' });
    const tasks = () => Object.values(model.tasks).filter((t) => t.serviceId === id);
    await until('3 running in the model', async () => tasks().filter((t) => t.state === 'running').length === 3, 120_000, 100);
    await sw.scaleService(manager, id, 1);
    await until('2 shut down in the model', async () => tasks().filter((t) => t.state === 'shutdown').length === 2, 120_000, 100);
    const down = tasks().filter((t) => t.state === 'shutdown');
    await until('the test saw both containers die', async () => down.every((t) => diedAt.has(t.id)), 10_000, 50);
    for (const t of down) {
      const s = seen.get(t.id)!.find((x) => x.state === 'shutdown')!;
      // its container died (grace 1 s: sleep ignores SIGTERM) before the model said shutdown, never after
      const died = diedAt.get(t.id)!;
      expect(Date.parse(s.at)).toBeGreaterThanOrEqual(Math.floor(died) - 1);
      expect(s.seenAt).toBeGreaterThanOrEqual(Math.floor(died) - 5);
      expect(seen.get(t.id)!.map((x) => x.state)).toEqual(expect.arrayContaining(['running', 'shutdown']));
    }
    // and Swarm agrees once its dispatcher stored what the agents reported: a scaled-down task (desired state remove)
    // says Shutdown in docker service ps, or has left it
    await until('docker service ps says the two are shut down', async () => {
      const oracle = (await nodeDockerOk(nodes[0], ['service', 'ps', '--no-trunc', '--format', '{{.ID}} {{.CurrentState}}', name])).trim().split('\n');
      return down.every((t) => {
        const row = oracle.find((l) => l.startsWith(`${t.id} `));
        return !row || / Shutdown /.test(row);
      });
    }, 10_000, 100);
  });
});
