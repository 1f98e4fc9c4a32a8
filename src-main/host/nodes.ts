// How the host reaches a swarm node's own engine (task logs, exec, terminals, volumes, node rm), shared by every
// handler that needs one. The window and browser mode find it in the engine directory, by the node's address (or
// hostname); an in-process caller that set Services.nodeTarget (the CLI) says where each node is.
import { FlotillaError } from '../api/errors';
import type { EngineConnection } from '../core/engine';
import type { Cluster, ClusterNodeRef } from '../core/swarm';
import { knownEngine } from './engine-directory';
import type { Services } from './services';

function hostOf(t: { kind: string; host?: string }): string | undefined {
  return t.kind === 'tcp' || t.kind === 'ssh' ? t.host : undefined;
}

export interface Clusters {
  connectNode(node: ClusterNodeRef): Promise<EngineConnection>;
  /** the swarm whose manager is the engine `engineId` */
  cluster(engineId: string): Promise<Cluster>;
}

export function clusters(s: Services): Clusters {
  // with a nodeTarget, each node's engine is where it says, pooled in the directory by the node's address
  const nodeIds = new Map<string, Promise<string>>();
  const nodeId = (node: ClusterNodeRef, nodeTarget: NonNullable<Services['nodeTarget']>): Promise<string> => {
    let p = nodeIds.get(node.addr);
    if (!p) {
      const id = `node:${node.addr}`;
      p = nodeTarget(node).then((target) => {
        s.engines.add(knownEngine(id, node.hostname, target));
        return id;
      });
      nodeIds.set(node.addr, p);
      p.catch(() => nodeIds.delete(node.addr));
    }
    return p;
  };

  async function connectNode(node: ClusterNodeRef): Promise<EngineConnection> {
    if (s.nodeTarget) return s.engines.connect(await nodeId(node, s.nodeTarget));
    const all = await s.engines.list();
    const hit = all.find((e) => hostOf(e.target) === node.addr) ?? all.find((e) => e.name === node.hostname);
    if (!hit) throw new FlotillaError('UNREACHABLE', `no engine is known for node ${node.hostname} at ${node.addr}: add it as an engine (or create it as a machine) so Flotilla can reach it`);
    return s.engines.connect(hit.id);
  }
  return { connectNode, cluster: async (engineId) => ({ manager: await s.engines.connect(engineId), connectNode }) };
}
