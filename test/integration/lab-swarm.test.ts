// test/support/lab.ts's swarm helpers on the shared lab: ensureLabSwarm makes one healthy swarm (node 1
// manager, the rest workers) from any state earlier tests leave behind, and leaveLabSwarm undoes it.
// The docker CLI inside the nodes is the oracle. The lab is left as one swarm for the files that follow.
import { beforeAll, expect, it } from 'vitest';
import { describeLab, ensureLabSwarm, labNodes, leaveLabSwarm, nodeDockerOk, nodeSwarmState, waitReachable, type LabNode } from '../support/lab';

interface Row {
  ID: string;
  Hostname: string;
  Status: string;
  Availability: string;
  ManagerStatus: string;
}
async function nodeList(manager: LabNode): Promise<Row[]> {
  return (await nodeDockerOk(manager, ['node', 'ls', '--format', '{{json .}}']))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
}

/** Asserts the shape ensureLabSwarm promises, as the manager's docker CLI sees it. */
async function expectOneSwarm(nodes: LabNode[], nodeIds: Record<string, string>): Promise<void> {
  const rows = await nodeList(nodes[0]);
  expect(rows.map((r) => r.Hostname).sort()).toEqual(nodes.map((n) => n.name).sort());
  for (const r of rows) {
    expect(r.ID).toBe(nodeIds[r.Hostname]);
    expect([r.Status, r.Availability]).toEqual(['Ready', 'Active']);
    expect(r.ManagerStatus).toBe(r.Hostname === nodes[0].name ? 'Leader' : '');
  }
  const m = await nodeSwarmState(nodes[0]);
  expect([m.state, m.isManager, m.nodeAddr]).toEqual(['active', true, nodes[0].ip]);
}

let nodes: LabNode[] = [];

describeLab('lab swarm helpers', () => {
  beforeAll(() => {
    nodes = labNodes();
    expect(nodes.length).toBeGreaterThanOrEqual(2);
  });

  it('makes one swarm from whatever state the lab is in, and is idempotent', async () => {
    const first = await ensureLabSwarm();
    expect(first.manager).toEqual(nodes[0]);
    expect(first.workers).toEqual(nodes.slice(1));
    expect(first.clusterId).toMatch(/^\w{20,}$/);
    await expectOneSwarm(nodes, first.nodeIds);
    const again = await ensureLabSwarm();
    expect(again.clusterId).toBe(first.clusterId);
    expect(again.nodeIds).toEqual(first.nodeIds);
  });

  it('repairs a worker that left, a promoted worker, a drained node, and a node in another swarm', async () => {
    const before = await ensureLabSwarm();
    const [manager, ...workers] = nodes;
    const last = workers[workers.length - 1];
    const first = workers[0];
    await nodeDockerOk(manager, ['node', 'update', '--availability', 'drain', before.nodeIds[manager.name]]);
    if (workers.length > 1) {
      await nodeDockerOk(manager, ['node', 'promote', before.nodeIds[first.name]]);
      await waitReachable(manager, before.nodeIds[first.name]); // a 2-manager swarm commits nothing until then
    }
    await nodeDockerOk(last, ['swarm', 'leave', '--force']);
    await nodeDockerOk(last, ['swarm', 'init', '--advertise-addr', last.ip]); // now the manager of a swarm of its own
    const after = await ensureLabSwarm();
    expect(after.clusterId).toBe(before.clusterId);
    expect(after.nodeIds[last.name]).not.toBe(before.nodeIds[last.name]);
    await expectOneSwarm(nodes, after.nodeIds);
  });

  it('leaveLabSwarm returns every node to no swarm; ensureLabSwarm then starts a new one', async () => {
    const before = await ensureLabSwarm();
    await leaveLabSwarm();
    for (const n of nodes) expect((await nodeSwarmState(n)).state).toBe('inactive');
    const fresh = await ensureLabSwarm();
    expect(fresh.clusterId).not.toBe(before.clusterId);
    await expectOneSwarm(nodes, fresh.nodeIds);
  });
});
