// The order in which a failover tries the managers (failover.ts candidates()): pure over the swarm's node listing.
import { describe, expect, it } from 'vitest';
import type { EngineConnection } from '../engine';
import type { Cluster } from './cluster';
import { candidates, type Watched } from './failover';
import type { RawNode } from './mappers';

const manager = (id: string, o: { leader?: boolean; reachability?: string } = {}): RawNode => ({
  ID: id,
  Spec: { Role: 'manager' },
  Description: { Hostname: `host-${id}` },
  Status: { State: 'ready', Addr: `10.0.0.${id.length}` },
  ManagerStatus: { Leader: o.leader, Reachability: o.reachability ?? 'reachable', Addr: `10.0.0.${id.length}:2377` },
});
const worker = (id: string): RawNode => ({ ID: id, Spec: { Role: 'worker' }, Description: { Hostname: `host-${id}` }, Status: { State: 'ready', Addr: '10.0.0.9' } });

const originConn = { url: 'tcp://origin:2376' } as unknown as EngineConnection;
const cluster: Cluster = { manager: originConn, connectNode: () => Promise.reject(new Error('not dialled in this test')) };
const from = (nodeId: string): Watched => ({ conn: originConn, name: `host-${nodeId}`, nodeId, ac: new AbortController(), aliveAt: 0 });

describe('failover candidates', () => {
  it('the leader first, then the reachable managers, then the unreachable ones, the manager just left last; never a worker', () => {
    const nodes = [worker('w'), manager('a', { reachability: 'unreachable' }), manager('bb'), manager('ccc', { leader: true }), manager('dddd')];
    expect(candidates(nodes, from('dddd'), cluster, 'dddd').map((c) => c.nodeId)).toEqual(['ccc', 'bb', 'a', 'dddd']);
  });

  it('the only manager is still a candidate: it is retried until it answers again', async () => {
    const list = candidates([manager('a', { leader: true }), worker('w')], from('a'), cluster, 'a');
    expect(list.map((c) => c.nodeId)).toEqual(['a']);
    // the caller's own engine stays the way to its node
    expect(await list[0].connect()).toBe(originConn);
  });

  it('a manager left that the listing no longer names is tried last, through its own connection', async () => {
    const left = from('gone');
    const list = candidates([manager('a', { leader: true })], left, cluster, 'a');
    expect(list.map((c) => c.nodeId)).toEqual(['a', 'gone']);
    expect(await list[1].connect()).toBe(left.conn);
  });
});
