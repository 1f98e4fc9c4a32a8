// Pure logic of the board: cluster model -> columns (one per node), cards, legend and update progress.
// No React here, so it is unit-tested directly and cheap to recompute.
import type { BoardModel, BoardNode, BoardService, BoardTask } from '../../stores/cluster';
import type { UpdateProgress } from '../../components/ProgressBar';
import { serviceColor, shortImage } from '../../components/format';
import type { BoardFilters } from './types';

export interface TaskCardInfo {
  task: BoardTask;
  /** the image of this task is not the service's current image (an update is replacing it) */
  oldImage: boolean;
}

export interface StackGroup {
  stack: string; // '' = no stack
  cards: TaskCardInfo[];
}

export interface NodeColumn {
  /** undefined for the "not placed yet" column */
  node?: BoardNode;
  key: string;
  cards: TaskCardInfo[];
  groups: StackGroup[];
  counts: { shown: number; running: number; failed: number; total: number };
}

export interface LegendEntry {
  service: BoardService;
  color: string;
  shown: number;
}

export interface BoardView {
  columns: NodeColumn[];
  legend: LegendEntry[];
  progress: UpdateProgress[];
  stacks: string[];
  totals: { nodes: number; tasks: number; shown: number };
  /** what card order and grouping depend on (filters, services' order and stacks): columns are reused while it holds */
  orderKey: string;
}

const ACTIVE_DESIRED = new Set(['running', 'ready', 'accepted']);
const FAILED = new Set(['failed', 'rejected']);
const UPDATING = new Set(['updating', 'paused', 'rollback_started', 'rollback_paused']);

const shortCache = new Map<string, string>();
function cachedShort(image: string): string {
  let s = shortCache.get(image);
  if (s === undefined) {
    if (shortCache.size > 5000) shortCache.clear();
    shortCache.set(image, (s = shortImage(image)));
  }
  return s;
}

/** Same image? Compare digests when both have one, else name:tag. */
export function sameImage(a: string, b: string): boolean {
  if (a === b) return true;
  const ia = a.indexOf('@');
  const ib = b.indexOf('@');
  if (ia >= 0 && ib >= 0) return a.slice(ia) === b.slice(ib);
  return cachedShort(a) === cachedShort(b);
}

export function isUpdating(s: BoardService): boolean {
  return !!s.updateStatus && UPDATING.has(s.updateStatus.state);
}

/**
 * The tasks worth a card: those the orchestrator wants running, plus the newest failed or rejected
 * task of a slot that has nothing running (so crash loops show their error instead of vanishing).
 */
export function visibleTasks(tasks: BoardTask[]): BoardTask[] {
  // a slot is (service, slot number, or node for a global service's task, or the task itself): keyed by service,
  // then by that value, not by a string made per task (this runs over every task on each change of a live model)
  const slotOf = (t: BoardTask): string | number => t.slot ?? t.nodeId ?? t.id;
  // only the services with a failed task the orchestrator no longer wants need their running slots known (a live
  // model changes many times a second: the other services' tasks cost nothing more)
  const newestFailed = new Map<string, Map<string | number, BoardTask>>();
  const failedServices = new Set<string>();
  for (const t of tasks) {
    if (!FAILED.has(t.state)) continue;
    let slots = newestFailed.get(t.serviceId);
    if (!slots) newestFailed.set(t.serviceId, (slots = new Map()));
    const k = slotOf(t);
    const cur = slots.get(k);
    if (!cur || cur.updatedAt < t.updatedAt) slots.set(k, t);
    if (!ACTIVE_DESIRED.has(t.desiredState)) failedServices.add(t.serviceId);
  }
  if (failedServices.size === 0) return tasks.filter((t) => ACTIVE_DESIRED.has(t.desiredState));
  const runningSlots = new Map<string, Set<string | number>>();
  for (const t of tasks) {
    if (t.state !== 'running' || t.desiredState !== 'running' || !failedServices.has(t.serviceId)) continue;
    let slots = runningSlots.get(t.serviceId);
    if (!slots) runningSlots.set(t.serviceId, (slots = new Set()));
    slots.add(slotOf(t));
  }
  return tasks.filter((t) => {
    if (ACTIVE_DESIRED.has(t.desiredState)) return true;
    if (!FAILED.has(t.state)) return false;
    const k = slotOf(t);
    return newestFailed.get(t.serviceId)?.get(k) === t && !runningSlots.get(t.serviceId)?.has(k);
  });
}

const hostnames = new Intl.Collator(undefined, { numeric: true });
function nodeOrder(a: BoardNode, b: BoardNode): number {
  if (a.role !== b.role) return a.role === 'manager' ? -1 : 1;
  if (a.leader !== b.leader) return a.leader ? -1 : 1;
  return hostnames.compare(a.hostname, b.hostname);
}

function matchesText(text: string, t: BoardTask, s: BoardService | undefined, n: BoardNode | undefined): boolean {
  if (!text) return true;
  const hay = [s?.name, s?.stack, t.image, t.state, t.error, t.id, n?.hostname, t.slot === undefined ? '' : `${s?.name}.${t.slot}`]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  // every word must match somewhere
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/** the columns of the previous build, reused where a node's cards did not change (same task objects, same flags) */
function sameCardSet(prev: TaskCardInfo[], next: TaskCardInfo[]): boolean {
  if (prev.length !== next.length) return false;
  const flags = new Map<BoardTask, boolean>();
  for (const c of prev) flags.set(c.task, c.oldImage);
  for (const c of next) if (flags.get(c.task) !== c.oldImage) return false;
  return true;
}

const colorCache = new Map<string, string>();
function cachedColor(name: string): string {
  let c = colorCache.get(name);
  if (c === undefined) {
    if (colorCache.size > 5000) colorCache.clear();
    colorCache.set(name, (c = serviceColor(name)));
  }
  return c;
}

/**
 * `prev`: the last build for the same board. A column whose cards are the same task objects as before is
 * returned as it was (not sorted again, and its memoized NodeColumn skips), so a 20-task change costs the
 * columns it touches, not every column.
 */
export function buildBoard(model: BoardModel, filters: BoardFilters, prev?: BoardView): BoardView {
  const services = new Map(model.services.map((s) => [s.id, s]));
  const nodes = new Map(model.nodes.map((n) => [n.id, n]));
  const visible = visibleTasks(model.tasks);

  const byNode = new Map<string, TaskCardInfo[]>();
  const totalByNode = new Map<string, { total: number; running: number; failed: number }>();
  const shownPerService = new Map<string, number>();
  let shown = 0;

  for (const t of visible) {
    const s = services.get(t.serviceId);
    const key = t.nodeId && nodes.has(t.nodeId) ? t.nodeId : '';
    const tot = totalByNode.get(key) ?? { total: 0, running: 0, failed: 0 };
    tot.total++;
    if (t.state === 'running') tot.running++;
    if (FAILED.has(t.state)) tot.failed++;
    totalByNode.set(key, tot);

    if (filters.stack && (s?.stack ?? '') !== filters.stack) continue;
    if (filters.service && t.serviceId !== filters.service) continue;
    if (filters.runningOnly && t.state !== 'running') continue;
    if (!matchesText(filters.text.trim(), t, s, nodes.get(t.nodeId ?? ''))) continue;

    const oldImage = !!s && !sameImage(t.image, s.image);
    let list = byNode.get(key);
    if (!list) byNode.set(key, (list = []));
    list.push({ task: t, oldImage });
    shown++;
    shownPerService.set(t.serviceId, (shownPerService.get(t.serviceId) ?? 0) + 1);
  }

  // services ranked once by stack then name, so sorting a thousand cards compares numbers, not strings
  const legendOrder = [...model.services].sort((a, b) => (a.stack ?? '').localeCompare(b.stack ?? '') || a.name.localeCompare(b.name));
  const rank = new Map(legendOrder.map((s, i) => [s.id, i]));
  // cards are ordered by this and grouped by stack: a column is reused only while both stay as they were
  const orderKey = `${filters.stack}\n${filters.service}\n${filters.runningOnly}\n${filters.text}\n${legendOrder.map((s) => `${s.id}:${s.stack ?? ''}`).join(',')}`;
  const reusable = prev && prev.orderKey === orderKey ? new Map(prev.columns.map((c) => [c.key, c])) : undefined;
  const cardOrder = (a: TaskCardInfo, b: TaskCardInfo): number =>
    (rank.get(a.task.serviceId) ?? -1) - (rank.get(b.task.serviceId) ?? -1) ||
    (a.task.slot ?? 0) - (b.task.slot ?? 0) ||
    a.task.updatedAt - b.task.updatedAt ||
    (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0);
  const group = (cards: TaskCardInfo[]): StackGroup[] => {
    const groups: StackGroup[] = [];
    for (const c of cards) {
      const stack = services.get(c.task.serviceId)?.stack ?? '';
      const last = groups[groups.length - 1];
      if (last && last.stack === stack) last.cards.push(c);
      else groups.push({ stack, cards: [c] });
    }
    return groups;
  };
  const column = (key: string, node?: BoardNode): NodeColumn => {
    const bucket = byNode.get(key) ?? [];
    const tot = totalByNode.get(key) ?? { total: 0, running: 0, failed: 0 };
    const old = reusable?.get(key || 'unplaced');
    if (old && old.node === node && sameCardSet(old.cards, bucket)) {
      const c = old.counts;
      if (c.total === tot.total && c.running === tot.running && c.failed === tot.failed) return old;
      return { ...old, counts: { shown: old.cards.length, ...tot } };
    }
    const cards = bucket.sort(cardOrder);
    return { node, key: key || 'unplaced', cards, groups: group(cards), counts: { shown: cards.length, ...tot } };
  };

  const columns = [...model.nodes].sort(nodeOrder).map((n) => column(n.id, n));
  if (byNode.has('')) columns.push(column(''));

  const legend = legendOrder.map((service) => ({ service, color: cachedColor(service.name), shown: shownPerService.get(service.id) ?? 0 }));

  const progress: UpdateProgress[] = [];
  for (const s of model.services) {
    const st = s.updateStatus?.state;
    if (!st || st === 'completed') continue;
    // everything but 'completed' stays visible, so a paused or rolled-back update is noticed
    const tasks = visible.filter((t) => t.serviceId === s.id && ACTIVE_DESIRED.has(t.desiredState));
    // the core's count (tasks on the new spec) when it has one, else running tasks on the new image
    const counted = s.updateStatus?.progress;
    const updated = counted ? counted.n : tasks.filter((t) => t.state === 'running' && sameImage(t.image, s.image)).length;
    const total = counted ? counted.m : s.mode === 'replicated' ? s.replicas.desired : tasks.length;
    progress.push({ serviceId: s.id, state: st, updated: Math.min(updated, total), total, message: s.updateStatus?.message });
  }

  const stacks = [...new Set(model.services.map((s) => s.stack ?? '').filter(Boolean))].sort();
  return { columns, legend, progress, stacks, totals: { nodes: model.nodes.length, tasks: visible.length, shown }, orderKey };
}
