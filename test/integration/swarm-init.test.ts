// swarmInit and swarmJoin as standalone core functions on the lab: init advertising an overridden address (a second
// IP given to node 1 here), one node joined as a MANAGER and one as a worker, swarm update --cert-expiry; the docker
// CLI inside the nodes is the oracle. The lab is put back into ensureLabSwarm's shape afterwards.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import { describeLab, ensureLabSwarm, labNodes, leaveLabSwarm, nodeDockerOk, nodeExec, nodeSwarmState, waitReachable, type LabNode } from '../support/lab';

describeLab('swarmInit / swarmJoin / swarmUpdate on the lab', () => {
  let nodes: LabNode[];
  let n1: LabNode, n2: LabNode, n3: LabNode;
  const conns: EngineConnection[] = [];
  let alt: string;
  const ssh = async (n: LabNode) => {
    const c = await connectEngine(parseEngineUrl(`ssh://root@${n.ip}`, { sshKey: nodes[0].identity }));
    conns.push(c);
    return c;
  };

  beforeAll(async () => {
    nodes = labNodes();
    [n1, n2, n3] = nodes;
    // a second address on node 1 (same subnet, so its peers reach it): the one to advertise instead of the default
    alt = n1.ip.replace(/\.\d+$/, '.211');
    await nodeExec(n1, ['ip', 'addr', 'add', `${alt}/24`, 'dev', 'eth0']);
    await leaveLabSwarm(nodes);
  }, 180_000);

  afterAll(async () => {
    for (const c of conns) await c.close();
    await leaveLabSwarm(nodes);
    await nodeExec(n1, ['ip', 'addr', 'del', `${alt}/24`, 'dev', 'eth0']);
    await ensureLabSwarm(nodes);
  }, 240_000);

  it('init advertises the overridden address; one node joins as manager, one as worker; cert expiry is updated', async () => {
    const [c1, c2, c3] = [await ssh(n1), await ssh(n2), await ssh(n3)];
    const init = await sw.swarmInit(c1, { advertiseAddr: alt });
    const s1 = await nodeSwarmState(n1);
    expect(s1).toMatchObject({ state: 'active', isManager: true, nodeAddr: alt });
    expect(init).toEqual({ nodeId: s1.nodeId, advertiseAddr: alt });
    await expect(sw.swarmInit(c1)).rejects.toThrow(`engine ${c1.url} is already part of a swarm`);

    const j2 = await sw.swarmJoin(c2, c1, 'manager', { advertiseAddr: n2.ip });
    const s2 = await nodeSwarmState(n2);
    expect(s2).toMatchObject({ state: 'active', isManager: true, nodeAddr: n2.ip, clusterId: s1.clusterId });
    expect(j2.nodeId).toBe(s2.nodeId);
    await waitReachable(n1, s2.nodeId);
    expect((await nodeDockerOk(n1, ['node', 'inspect', s2.nodeId, '--format', '{{.Spec.Role}} {{.ManagerStatus.Addr}}'])).trim()).toBe(`manager ${n2.ip}:2377`);

    const j3 = await sw.swarmJoin(c3, c1, 'worker');
    const s3 = await nodeSwarmState(n3);
    expect(s3).toMatchObject({ state: 'active', isManager: false });
    expect(j3.nodeId).toBe(s3.nodeId);
    // the worker joined the manager at the advertised (overridden) address
    expect((await nodeDockerOk(n3, ['info', '--format', '{{range .Swarm.RemoteManagers}}{{.Addr}} {{end}}'])).trim().split(' ')).toContain(`${alt}:2377`);
    expect((await nodeDockerOk(n1, ['node', 'inspect', s3.nodeId, '--format', '{{.Spec.Role}}'])).trim()).toBe('worker');
    await expect(sw.swarmJoin(c3, c1, 'worker')).rejects.toThrow(`engine ${c3.url} is already part of a swarm`);

    await sw.swarmUpdate(c1, { certExpiry: '720h' });
    expect(Number((await nodeDockerOk(n1, ['info', '--format', '{{json .Swarm.Cluster.Spec.CAConfig.NodeCertExpiry}}'])).trim())).toBe(720 * 3600 * 1e9);
    expect((await sw.swarmInfo(c1)).certExpiryNs).toBe(720 * 3600 * 1e9);
  }, 180_000);
});
