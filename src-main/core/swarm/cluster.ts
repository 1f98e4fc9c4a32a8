// The Cluster context: a manager's engine, and a way to reach any node's own engine
// (for a task's container logs/exec, container events, volumes, `leave` on a node).
import type { EngineConnection } from '../engine';

export interface ClusterNodeRef {
  id: string;
  hostname: string;
  /** the node's address as the swarm knows it (Status.Addr, or the manager address's host) */
  addr: string;
}

export interface Cluster {
  /** an engine that is a manager of the swarm */
  manager: EngineConnection;
  /** opens (or returns a pooled) connection to the node's own engine */
  connectNode(node: ClusterNodeRef): Promise<EngineConnection>;
}

/**
 * Pools connections made by `open` per node address; `close()` closes them all.
 * Used by the CLI (SSH/TLS by address) and the host (engine directory).
 */
export function pooledConnector(open: (node: ClusterNodeRef) => Promise<EngineConnection>): {
  connectNode: Cluster['connectNode'];
  drop(node: ClusterNodeRef): Promise<void>;
  close(): Promise<void>;
} {
  const pool = new Map<string, Promise<EngineConnection>>();
  return {
    connectNode: (node) => {
      let p = pool.get(node.addr);
      if (!p) {
        p = open(node);
        pool.set(node.addr, p);
        p.catch(() => pool.delete(node.addr));
      }
      return p;
    },
    drop: async (node) => {
      const p = pool.get(node.addr);
      pool.delete(node.addr);
      if (p) await p.then((c) => c.close()).catch(() => undefined);
    },
    close: async () => {
      const all = [...pool.values()];
      pool.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
    },
  };
}
