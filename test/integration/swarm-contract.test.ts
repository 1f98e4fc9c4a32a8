// The swarm contract through the host's dispatcher (what the window and browser mode call), on the lab:
// the manager is a lab engine from the engine directory, nodes' engines are found there by address.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHost, type Host } from '../../src-main/host';
import type { HostMessage } from '../../src-main/api/protocol';
import { ModelEvent, type Node, type ClusterModel } from '../../src-main/api/domains/swarm';
import { applyChanges } from '../../src-main/core/swarm/cluster-model';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, type LabNode } from '../support/lab';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeLab('swarm contract on the lab', () => {
  let host: Host;
  let home: string;
  let n1: LabNode;
  let engineId: string;
  const name = `fswc-${Date.now().toString(36)}`;

  beforeAll(async () => {
    const nodes = labNodes();
    n1 = nodes[0];
    await ensureLabSwarm(nodes);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'fsw-contract-'));
    host = createHost({ transport: 'in-process', home });
    engineId = `lab:${n1.name}`;
  });

  afterAll(async () => {
    await nodeDocker(n1, ['service', 'rm', name]);
    await host?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('requests: nodes, services, exec on the node that runs the task, errors in plain words', async () => {
    const nodes = (await host.dispatcher.call('swarm.nodes.list', { engineId })) as Node[];
    const oracle = (await nodeDockerOk(n1, ['node', 'ls', '--format', '{{.ID}}'])).split('\n').filter(Boolean).sort();
    expect(nodes.map((n) => n.id).sort()).toEqual(oracle);
    await expect(host.dispatcher.call('swarm.nodes.inspect', { engineId, node: 'nope' })).rejects.toThrow('no such node: nope');
    await expect(host.dispatcher.call('swarm.services.scale', { engineId, service: 'nope', replicas: 1 })).rejects.toThrow('no such service: nope');
    await expect(host.dispatcher.call('swarm.services.scale', { engineId, service: 'x', replicas: -1 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(host.dispatcher.call('swarm.nodes.list', { engineId: `lab:${labNodes()[1].name}` })).rejects.toThrow(/is not a swarm manager: promote it or connect to a manager/);

    await host.dispatcher.call('swarm.services.create', { engineId, spec: { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], replicas: 2 } });
    for (let i = 0; i < 120; i++) {
      const list = (await host.dispatcher.call('swarm.services.list', { engineId })) as Array<{ name: string; replicas: { running: number } }>;
      if (list.find((s) => s.name === name)?.replicas.running === 2) break;
      await sleep(500);
    }
    const r = (await host.dispatcher.call('swarm.exec', { engineId, target: name, cmd: ['sh', '-c', 'hostname; exit 5'] })) as { stdout: string; exitCode: number; nodeId: string };
    expect(r.exitCode).toBe(5);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f]{12}$/);
  });

  it("stream 'swarm.model': a snapshot first, then diffs; dispose frees the host's work", async () => {
    const events: ModelEvent[] = [];
    const conn = host.dispatcher.connect((m: HostMessage) => {
      if (m.t === 'event') events.push(ModelEvent.parse(m.event));
      if (m.t === 'error') throw new Error(m.error.message);
    });
    conn.receive({ t: 'subscribe', id: 1, method: 'swarm.model', params: { engineId } });
    for (let i = 0; i < 100 && events.length === 0; i++) await sleep(100);
    expect(events[0].type).toBe('snapshot');
    let model = (events[0] as { model: ClusterModel }).model;
    const svc = Object.values(model.services).find((s) => s.name === name)!;
    expect(svc.replicas).toEqual({ desired: 2, running: 2 });
    await host.dispatcher.call('swarm.services.scale', { engineId, service: name, replicas: 3 });
    for (let i = 0; i < 300; i++) {
      model = (events[0] as { model: ClusterModel }).model;
      for (const e of events.slice(1)) if (e.type === 'diff') model = applyChanges(model, e.changes);
      if (model.services[svc.id]?.replicas.running === 3) break;
      await sleep(100);
    }
    expect(model.services[svc.id].replicas).toEqual({ desired: 3, running: 3 });
    expect(events.slice(1).some((e) => e.type === 'diff')).toBe(true);
    conn.receive({ t: 'dispose', id: 1 });
    expect(conn.open).toBe(0);
    conn.close();
  });

  it("stream 'swarm.model' sends changes after a network event, and while other requests share its engine", async () => {
    const events: ModelEvent[] = [];
    const conn = host.dispatcher.connect((m: HostMessage) => {
      if (m.t === 'event' && m.id === 1) events.push(ModelEvent.parse(m.event));
    });
    conn.receive({ t: 'subscribe', id: 1, method: 'swarm.model', params: { engineId } });
    for (let i = 0; i < 100 && events.length === 0; i++) await sleep(100);
    expect(events[0].type).toBe('snapshot');
    // engines.info on the same engine, cancelled at once (the window refreshes info on node events). A
    // failed engines.info used to close the pooled connection under the model, which then froze; that
    // failure cannot be provoked on demand here, so this checks the sharing, and engines.ts no longer drops
    for (let k = 0; k < 3; k++) {
      conn.receive({ t: 'invoke', id: 10 + k, method: 'engines.info', params: { id: engineId } });
      conn.receive({ t: 'cancel', id: 10 + k });
    }
    await sleep(500);
    // a network event first (it changes nothing in the model), as every stack deploy makes: it once left
    // the model's refresh loop marked busy forever, so no later change arrived
    const late = `${name}-late`;
    await nodeDockerOk(n1, ['network', 'create', '-d', 'overlay', `${late}-net`]);
    await sleep(1000);
    await nodeDockerOk(n1, ['service', 'create', '-d', '--name', late, '--replicas', '1', '--network', `${late}-net`, LAB_BUSYBOX, 'sleep', '3600']);
    try {
      let model = (events[0] as { model: ClusterModel }).model;
      for (let i = 0; i < 300; i++) {
        model = (events[0] as { model: ClusterModel }).model;
        for (const e of events.slice(1)) if (e.type === 'diff') model = applyChanges(model, e.changes);
        if (Object.values(model.services).some((x) => x.name === late && x.replicas.running === 1)) break;
        await sleep(100);
      }
      expect(Object.values(model.services).find((x) => x.name === late)?.replicas).toEqual({ desired: 1, running: 1 });
    } finally {
      conn.receive({ t: 'dispose', id: 1 });
      conn.close();
      await nodeDocker(n1, ['service', 'rm', late]);
      await sleep(2000);
      await nodeDocker(n1, ['network', 'rm', `${late}-net`]);
    }
  });
});
