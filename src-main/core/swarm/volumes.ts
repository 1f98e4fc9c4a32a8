// Volumes live on each node: listed through every node's own engine.
import type { VolumeSummary } from '../../api/domains/swarm';
import type { Cluster } from './cluster';
import { nodeAddr } from './mappers';
import { rawNodes } from './nodes';

export async function listVolumes(cluster: Cluster): Promise<{ volumes: VolumeSummary[]; unreachable: Array<{ node: string; error: string }> }> {
  const nodes = (await rawNodes(cluster.manager)).filter((n) => n.Status?.State === 'ready');
  const volumes: VolumeSummary[] = [];
  const unreachable: Array<{ node: string; error: string }> = [];
  await Promise.all(
    nodes.map(async (n) => {
      const hostname = n.Description?.Hostname ?? n.ID;
      try {
        const conn = await cluster.connectNode({ id: n.ID, hostname, addr: nodeAddr(n) });
        const res = (await conn.docker.listVolumes()) as { Volumes?: Array<{ Name: string; Driver: string; Mountpoint: string; Labels?: Record<string, string> | null }> | null };
        for (const v of res.Volumes ?? []) volumes.push({ node: hostname, name: v.Name, driver: v.Driver, mountpoint: v.Mountpoint, labels: v.Labels ?? {} });
      } catch (e) {
        unreachable.push({ node: hostname, error: (e as Error).message });
      }
    }),
  );
  volumes.sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
  return { volumes, unreachable };
}
