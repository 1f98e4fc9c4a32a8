// The Cluster view's logic, pure: raft health of the managers, the label editor's diff, the guided
// remove plan, sorting and formatting of nodes.
import type { BoardNode } from '../../stores/cluster';

export interface RaftHealth {
  managers: number;
  reachable: number;
  /** managers needed for a quorum: floor(n/2)+1 */
  majority: number;
  /** manager failures the swarm survives: floor((n-1)/2) */
  tolerates: number;
  /** failures it can still take now, with the unreachable ones already down */
  margin: number;
  leader?: string;
  quorum: boolean;
  tone: 'ok' | 'warn' | 'err';
  summary: string;
}

export function raftHealth(nodes: readonly BoardNode[]): RaftHealth {
  const managers = nodes.filter((n) => n.role === 'manager');
  const reachable = managers.filter((n) => n.reachability === 'reachable' || (n.leader && n.reachability === undefined)).length;
  const count = managers.length;
  const majority = Math.floor(count / 2) + 1;
  const tolerates = count <= 0 ? 0 : Math.floor((count - 1) / 2);
  const margin = reachable - majority;
  const quorum = count > 0 && reachable >= majority;
  const leader = managers.find((n) => n.leader)?.hostname;
  const tone = !quorum ? 'err' : reachable < count || count % 2 === 0 || tolerates === 0 ? 'warn' : 'ok';
  let summary: string;
  if (count === 0) summary = 'no managers';
  else if (!quorum) summary = `quorum lost: ${reachable} of ${count} managers reachable, raft needs ${majority}; bring managers back or force a new cluster on one of them`;
  else if (reachable < count) summary = `${count - reachable} manager${count - reachable === 1 ? '' : 's'} unreachable: ${margin} more failure${margin === 1 ? '' : 's'} would lose quorum`;
  else if (tolerates === 0) summary = count === 1 ? 'one manager: if it fails the swarm cannot be managed; promote two workers for 3 managers' : `${count} managers tolerate no failure; use 3`;
  else if (count % 2 === 0) summary = `${count} managers tolerate ${tolerates}, as ${count - 1} would; use an odd number`;
  else summary = `healthy: tolerates ${tolerates} manager failure${tolerates === 1 ? '' : 's'}`;
  return { managers: count, reachable, majority, tolerates, margin, leader, quorum, tone, summary };
}

/** "k=v" per line (or comma-separated) into labels; lines without "=" get an empty value, as `docker node update --label-add k` does */
export function parseLabels(text: string): { labels: Record<string, string>; problem?: string } {
  const labels: Record<string, string> = {};
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf('=');
    const k = (i < 0 ? line : line.slice(0, i)).trim();
    const v = i < 0 ? '' : line.slice(i + 1).trim();
    if (!k) return { labels, problem: `"${line}" has no key: write key=value` };
    if (/\s/.test(k)) return { labels, problem: `label key "${k}" has spaces` };
    labels[k] = v;
  }
  return { labels };
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join('\n');
}

/** what swarm.nodes.label must add and remove to go from `before` to `after` */
export function labelDiff(before: Record<string, string>, after: Record<string, string>): { add: Record<string, string>; remove: string[] } {
  const add: Record<string, string> = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) add[k] = v;
  const remove = Object.keys(before).filter((k) => !(k in after));
  return { add, remove };
}

/** The steps swarm.nodes.remove takes for this node, in the person's words, or why it cannot. */
export function removalPlan(node: BoardNode, managerNodeId: string | undefined, health: RaftHealth, force: boolean): { steps: string[]; refuse?: string; warning?: string } {
  if (node.id === managerNodeId) return { steps: [], refuse: `${node.hostname} is the manager Flotilla talks to: pick another manager in the swarm picker to remove it` };
  if (node.role === 'manager' && health.managers <= 1) return { steps: [], refuse: `${node.hostname} is the last manager: a swarm needs one` };
  const steps: string[] = [];
  let warning: string | undefined;
  if (node.role === 'manager') {
    const after = health.managers - 1;
    const t = after <= 0 ? 0 : Math.floor((after - 1) / 2);
    steps.push(`demote ${node.hostname} to worker (${after} manager${after === 1 ? '' : 's'} left, tolerating ${t} failure${t === 1 ? '' : 's'})`);
    if (t < health.tolerates) warning = `fault tolerance drops from ${health.tolerates} to ${t}`;
  }
  if (node.status === 'down') steps.push(`remove ${node.hostname} from the node list (it is down, so nothing runs there)`);
  else if (force) steps.push(`remove ${node.hostname} at once, without draining: its tasks stop abruptly and its engine still believes it is in the swarm`);
  else {
    steps.push(`drain ${node.hostname}: its tasks move to other nodes`);
    steps.push(`${node.hostname}'s engine leaves the swarm`);
    steps.push(`wait until the managers see it down, then remove it from the node list`);
  }
  return { steps, warning };
}

const ROLE_ORDER = { manager: 0, worker: 1 } as const;

/** managers first (leader first), then by hostname */
export function sortNodes(nodes: readonly BoardNode[]): BoardNode[] {
  return [...nodes].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || Number(b.leader) - Number(a.leader) || a.hostname.localeCompare(b.hostname));
}

export { formatMemory } from '../../components/format-memory';
