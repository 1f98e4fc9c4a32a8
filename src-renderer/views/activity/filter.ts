// Pure filtering of the activity feed (kind, node, service, words) and the choices the filters offer.
import type { ActivityItem, ActivityKind } from '../../../src-main/api/activity';

export interface ActivityFilters {
  kind: ActivityKind | '';
  /** node id */
  node: string;
  /** service id */
  service: string;
  text: string;
}

export const NO_FILTERS: ActivityFilters = { kind: '', node: '', service: '', text: '' };

export function filterActivity(items: readonly ActivityItem[], f: ActivityFilters): ActivityItem[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((i) => {
    if (f.kind && i.kind !== f.kind) return false;
    if (f.node && i.nodeId !== f.node) return false;
    if (f.service && i.serviceId !== f.service) return false;
    if (!words.length) return true;
    const hay = [i.title, i.detail, i.node, i.service, i.stack, i.taskId].filter(Boolean).join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** the nodes and services named in the feed, by name, for the filter selects (id -> name) */
export function filterChoices(items: readonly ActivityItem[]): { nodes: Array<[string, string]>; services: Array<[string, string]> } {
  const nodes = new Map<string, string>();
  const services = new Map<string, string>();
  for (const i of items) {
    if (i.nodeId && !nodes.has(i.nodeId)) nodes.set(i.nodeId, i.node ?? i.nodeId);
    if (i.serviceId && !services.has(i.serviceId)) services.set(i.serviceId, i.service ?? i.serviceId);
  }
  const byName = (a: [string, string], b: [string, string]): number => a[1].localeCompare(b[1], undefined, { numeric: true });
  return { nodes: [...nodes].sort(byName), services: [...services].sort(byName) };
}
