// The sources the cluster model lost contact with (the manager, node engines), as the views mark them.
import type { ClusterState } from './store';
import type { BoardNode } from './types';

/**
 * The lost-contact notes that still mean something: the core says "node H" is lost when H goes down,
 * and says nothing more once H is removed from the swarm, so a note for a node no longer in the model is dropped.
 */
export function currentLost(lost: Record<string, string>, nodes: readonly BoardNode[]): Record<string, string> {
  const known = new Set(nodes.flatMap((n) => [n.hostname, n.id]));
  const out: Record<string, string> = {};
  for (const [source, why] of Object.entries(lost)) {
    const m = /^node (.+)$/.exec(source);
    if (!m || known.has(m[1])) out[source] = why;
  }
  return out;
}

/** true while the model has no manager to read from: everything shown is as of `lostAt.manager` */
export function isStale(cluster: Pick<ClusterState, 'lost'>): boolean {
  return 'manager' in cluster.lost;
}

/** node hostname -> why its own engine is out of contact (its column or row is marked) */
export function lostNodes(lost: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [source, why] of Object.entries(lost)) {
    const m = /^node (.+)$/.exec(source);
    if (m) out[m[1]] = why;
  }
  return out;
}
