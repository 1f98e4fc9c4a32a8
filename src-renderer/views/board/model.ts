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
 * What the next build derives from a diff (kept beside each view, never on it: views stay plain data that tests
 * compare). Everything here follows the model the view was built from.
 */
interface Derivation {
  model: BoardModel;
  /** the filters' part of orderKey */
  filterKey: string;
  /** every task by id with its place in the model's order (new tasks get larger numbers) */
  pos: Map<string, number>;
  byId: Map<string, BoardTask>;
  nextPos: number;
  /** every task of each service, in the model's order (a task's visibility depends only on its service's tasks) */
  tasksByService: Map<string, BoardTask[]>;
  visibleByService: Map<string, BoardTask[]>;
  /** column key ('' = not placed) -> the cards it shows, by task */
  cardsByColumn: Map<string, Map<BoardTask, TaskCardInfo>>;
  totalByColumn: Map<string, { total: number; running: number; failed: number }>;
  shownPerService: Map<string, number>;
  visibleCount: number;
  shown: number;
  legendOrder: BoardService[];
  rank: Map<string, number>;
}

const derivations = new WeakMap<BoardView, Derivation>();

const columnKey = (t: BoardTask, nodes: Map<string, BoardNode>): string => (t.nodeId && nodes.has(t.nodeId) ? t.nodeId : '');

function passes(t: BoardTask, s: BoardService | undefined, nodes: Map<string, BoardNode>, filters: BoardFilters, text: string): boolean {
  if (filters.stack && (s?.stack ?? '') !== filters.stack) return false;
  if (filters.service && t.serviceId !== filters.service) return false;
  if (filters.runningOnly && t.state !== 'running') return false;
  return matchesText(text, t, s, nodes.get(t.nodeId ?? ''));
}

function cardOrderOf(rank: Map<string, number>): (a: TaskCardInfo, b: TaskCardInfo) => number {
  return (a, b) =>
    (rank.get(a.task.serviceId) ?? -1) - (rank.get(b.task.serviceId) ?? -1) ||
    (a.task.slot ?? 0) - (b.task.slot ?? 0) ||
    a.task.updatedAt - b.task.updatedAt ||
    (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0);
}

function groupCards(cards: TaskCardInfo[], services: Map<string, BoardService>): StackGroup[] {
  const groups: StackGroup[] = [];
  for (const c of cards) {
    const stack = services.get(c.task.serviceId)?.stack ?? '';
    const last = groups[groups.length - 1];
    if (last && last.stack === stack) last.cards.push(c);
    else groups.push({ stack, cards: [c] });
  }
  return groups;
}

function updateProgress(services: BoardService[], visibleOf: (serviceId: string) => BoardTask[]): UpdateProgress[] {
  const progress: UpdateProgress[] = [];
  for (const s of services) {
    const st = s.updateStatus?.state;
    if (!st || st === 'completed') continue;
    // everything but 'completed' stays visible, so a paused or rolled-back update is noticed
    const tasks = visibleOf(s.id).filter((t) => ACTIVE_DESIRED.has(t.desiredState));
    // the core's count (tasks on the new spec) when it has one, else running tasks on the new image
    const counted = s.updateStatus?.progress;
    const updated = counted ? counted.n : tasks.filter((t) => t.state === 'running' && sameImage(t.image, s.image)).length;
    const total = counted ? counted.m : s.mode === 'replicated' ? s.replicas.desired : tasks.length;
    progress.push({ serviceId: s.id, state: st, updated: Math.min(updated, total), total, message: s.updateStatus?.message });
  }
  return progress;
}

const filterKeyOf = (f: BoardFilters): string => `${f.stack}\n${f.service}\n${f.runningOnly}\n${f.text}`;

/**
 * `prev`: the last build for the same board. When only tasks changed since it (and services' counts or update
 * states: not their names, stacks or images; the same nodes; the same filters), the build is derived from the
 * difference: the tasks of the services a change touches are looked at again, the columns whose cards moved are
 * sorted again, and every other column is returned as it was (its memoized NodeColumn skips). Anything else is
 * built from the whole model, still reusing the columns whose cards are the same task objects as before. Both
 * give the same board (model.spec: random diff sequences).
 */
export function buildBoard(model: BoardModel, filters: BoardFilters, prev?: BoardView): BoardView {
  const d = prev && derivations.get(prev);
  if (prev && d) {
    const next = deriveBoard(model, filters, prev, d);
    if (next) return next;
  }
  return fullBuild(model, filters, prev);
}

function fullBuild(model: BoardModel, filters: BoardFilters, prev?: BoardView): BoardView {
  const services = new Map(model.services.map((s) => [s.id, s]));
  const nodes = new Map(model.nodes.map((n) => [n.id, n]));
  const tasksByService = new Map<string, BoardTask[]>();
  const pos = new Map<string, number>();
  const byId = new Map<string, BoardTask>();
  let nextPos = 0;
  // two tasks of one id (never from the core) build as they are, with nothing kept for a next diff
  let unique = true;
  for (const t of model.tasks) {
    if (byId.has(t.id)) unique = false;
    pos.set(t.id, nextPos++);
    byId.set(t.id, t);
    let list = tasksByService.get(t.serviceId);
    if (!list) tasksByService.set(t.serviceId, (list = []));
    list.push(t);
  }
  const visibleByService = new Map<string, BoardTask[]>();
  for (const [id, list] of tasksByService) visibleByService.set(id, visibleTasks(list));
  const text = filters.text.trim();

  const byNode = new Map<string, TaskCardInfo[]>();
  const totalByNode = new Map<string, { total: number; running: number; failed: number }>();
  const shownPerService = new Map<string, number>();
  let shown = 0;
  let visibleCount = 0;

  for (const visible of visibleByService.values())
    for (const t of visible) {
      visibleCount++;
      const s = services.get(t.serviceId);
      const key = columnKey(t, nodes);
      let tot = totalByNode.get(key);
      if (!tot) totalByNode.set(key, (tot = { total: 0, running: 0, failed: 0 }));
      tot.total++;
      if (t.state === 'running') tot.running++;
      if (FAILED.has(t.state)) tot.failed++;

      if (!passes(t, s, nodes, filters, text)) continue;
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
  const filterKey = filterKeyOf(filters);
  const orderKey = `${filterKey}\n${legendOrder.map((s) => `${s.id}:${s.stack ?? ''}`).join(',')}`;
  const reusable = prev && prev.orderKey === orderKey ? new Map(prev.columns.map((c) => [c.key, c])) : undefined;
  const cardOrder = cardOrderOf(rank);
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
    return { node, key: key || 'unplaced', cards, groups: groupCards(cards, services), counts: { shown: cards.length, ...tot } };
  };

  const columns = [...model.nodes].sort(nodeOrder).map((n) => column(n.id, n));
  if (byNode.has('')) columns.push(column(''));

  const legend = legendOrder.map((service) => ({ service, color: cachedColor(service.name), shown: shownPerService.get(service.id) ?? 0 }));
  const progress = updateProgress(model.services, (id) => visibleByService.get(id) ?? []);
  const stacks = [...new Set(model.services.map((s) => s.stack ?? '').filter(Boolean))].sort();
  const view: BoardView = { columns, legend, progress, stacks, totals: { nodes: model.nodes.length, tasks: visibleCount, shown }, orderKey };

  const cardsByColumn = new Map<string, Map<BoardTask, TaskCardInfo>>();
  for (const c of columns) cardsByColumn.set(c.node ? c.key : '', new Map(c.cards.map((x) => [x.task, x])));
  if (unique) derivations.set(view, { model, filterKey, pos, byId, nextPos, tasksByService, visibleByService, cardsByColumn, totalByColumn: totalByNode, shownPerService, visibleCount, shown, legendOrder, rank });
  return view;
}

/**
 * The tasks changed in place, added and removed from `before` (the model `d` follows) to `after`, or undefined when
 * `after` is not `before` with tasks replaced in place, removed, or added after the others (the order the store's
 * merge keeps; any other order is built in full: a task's visibility depends on its service's tasks' order, for ties).
 */
function diffTasks(before: BoardTask[], after: BoardTask[], d: Derivation): { changed: BoardTask[]; added: BoardTask[]; removed: BoardTask[] } | undefined {
  const changed: BoardTask[] = [];
  const added: BoardTask[] = [];
  // the common diff first, walking both lists side by side: the same objects (a comparison each), tasks replaced
  // in place, new ones at the end
  let i = 0;
  let j = 0;
  for (; j < after.length && i < before.length; j++, i++) {
    const t = after[j];
    const o = before[i];
    if (o === t) continue;
    if (o.id !== t.id) break;
    if (o.serviceId !== t.serviceId) return undefined;
    changed.push(t);
  }
  if (i === before.length) {
    const seen = new Set<string>();
    for (; j < after.length; j++) {
      const t = after[j];
      if (d.pos.has(t.id) || seen.has(t.id)) return undefined;
      seen.add(t.id);
      added.push(t);
    }
    return { changed, added, removed: [] };
  }
  // tasks removed (or reordered): look each one up
  changed.length = 0;
  const seen = new Set<string>();
  let lastPos = -1;
  let kept = 0;
  for (const t of after) {
    const p = d.pos.get(t.id);
    if (p === undefined) {
      if (seen.has(t.id)) return undefined;
      seen.add(t.id);
      added.push(t);
      continue;
    }
    if (p <= lastPos || added.length > 0) return undefined;
    lastPos = p;
    kept++;
    const was = d.byId.get(t.id) as BoardTask;
    if (was !== t) {
      if (was.serviceId !== t.serviceId) return undefined;
      changed.push(t);
    }
  }
  const removed: BoardTask[] = [];
  if (kept !== d.byId.size) {
    const present = new Set(after.map((t) => t.id));
    for (const [id, t] of d.byId) if (!present.has(id)) removed.push(t);
  }
  return { changed, added, removed };
}

/** the build from `prev` and what changed since its model, or undefined when what changed needs a full build */
function deriveBoard(model: BoardModel, filters: BoardFilters, prev: BoardView, d: Derivation): BoardView | undefined {
  const old = d.model;
  if (model.nodes !== old.nodes || filterKeyOf(filters) !== d.filterKey) return undefined;
  // services: the same ones in the same order, with the same names, stacks and images (what cards, their order,
  // grouping and filtering depend on); counts and update states may move
  if (model.services.length !== old.services.length) return undefined;
  let servicesChanged = model.services !== old.services;
  if (servicesChanged) {
    servicesChanged = false;
    for (let i = 0; i < model.services.length; i++) {
      const a = old.services[i];
      const b = model.services[i];
      if (a === b) continue;
      if (a.id !== b.id || a.name !== b.name || a.stack !== b.stack || a.image !== b.image) return undefined;
      servicesChanged = true;
    }
  }

  const diff = model.tasks === old.tasks ? { changed: [], added: [], removed: [] } : diffTasks(old.tasks, model.tasks, d);
  if (!diff) return undefined;
  const { changed, added, removed } = diff;
  if (!servicesChanged && changed.length === 0 && added.length === 0 && removed.length === 0 && model.tasks === old.tasks) {
    // nothing the board shows changed (new arrays of the same objects): keep the view, follow the model
    derivations.set(prev, { ...d, model });
    return prev;
  }

  // from here the derivation is updated in place: the previous view's derivation moves to the new view
  derivations.delete(prev);
  const services = new Map(model.services.map((s) => [s.id, s]));
  const nodes = new Map(model.nodes.map((n) => [n.id, n]));
  const text = filters.text.trim();
  const touched = new Set<string>();
  for (const t of removed) {
    d.pos.delete(t.id);
    d.byId.delete(t.id);
    const list = d.tasksByService.get(t.serviceId) as BoardTask[];
    const i = list.indexOf(t);
    list.splice(i, 1);
    if (list.length === 0) d.tasksByService.delete(t.serviceId);
    touched.add(t.serviceId);
  }
  for (const t of changed) {
    const list = d.tasksByService.get(t.serviceId) as BoardTask[];
    list[list.indexOf(d.byId.get(t.id) as BoardTask)] = t;
    d.byId.set(t.id, t);
    touched.add(t.serviceId);
  }
  for (const t of added) {
    d.pos.set(t.id, d.nextPos++);
    d.byId.set(t.id, t);
    let list = d.tasksByService.get(t.serviceId);
    if (!list) d.tasksByService.set(t.serviceId, (list = []));
    list.push(t);
    touched.add(t.serviceId);
  }

  // the touched services' visible tasks again: cards out, cards in
  const dirty = new Set<string>();
  const count = (key: string, t: BoardTask, by: number): void => {
    let tot = d.totalByColumn.get(key);
    if (!tot) d.totalByColumn.set(key, (tot = { total: 0, running: 0, failed: 0 }));
    tot.total += by;
    if (t.state === 'running') tot.running += by;
    if (FAILED.has(t.state)) tot.failed += by;
  };
  for (const id of touched) {
    const before = d.visibleByService.get(id) ?? [];
    const list = d.tasksByService.get(id);
    const after = list ? visibleTasks(list) : [];
    const stays = new Set(after);
    for (const t of before) {
      if (stays.has(t)) continue;
      const key = columnKey(t, nodes);
      d.visibleCount--;
      count(key, t, -1);
      const cards = d.cardsByColumn.get(key);
      if (cards?.delete(t)) {
        dirty.add(key);
        d.shown--;
        d.shownPerService.set(id, (d.shownPerService.get(id) ?? 0) - 1);
      }
    }
    const was = new Set(before);
    for (const t of after) {
      if (was.has(t)) continue;
      const key = columnKey(t, nodes);
      d.visibleCount++;
      count(key, t, 1);
      const s = services.get(t.serviceId);
      if (!passes(t, s, nodes, filters, text)) continue;
      let cards = d.cardsByColumn.get(key);
      if (!cards) d.cardsByColumn.set(key, (cards = new Map()));
      cards.set(t, { task: t, oldImage: !!s && !sameImage(t.image, s.image) });
      dirty.add(key);
      d.shown++;
      d.shownPerService.set(id, (d.shownPerService.get(id) ?? 0) + 1);
    }
    if (after.length) d.visibleByService.set(id, after);
    else d.visibleByService.delete(id);
  }

  const cardOrder = cardOrderOf(d.rank);
  const column = (key: string, node: BoardNode | undefined, was: NodeColumn | undefined): NodeColumn => {
    const tot = d.totalByColumn.get(key) ?? { total: 0, running: 0, failed: 0 };
    if (was && !dirty.has(key)) {
      const c = was.counts;
      if (c.total === tot.total && c.running === tot.running && c.failed === tot.failed) return was;
      return { ...was, counts: { shown: was.cards.length, total: tot.total, running: tot.running, failed: tot.failed } };
    }
    const cards = [...(d.cardsByColumn.get(key)?.values() ?? [])].sort(cardOrder);
    return { node, key: key || 'unplaced', cards, groups: groupCards(cards, services), counts: { shown: cards.length, total: tot.total, running: tot.running, failed: tot.failed } };
  };
  const columns: NodeColumn[] = [];
  let unplaced: NodeColumn | undefined;
  for (const c of prev.columns) {
    if (c.node) columns.push(column(c.key, c.node, c));
    else unplaced = c;
  }
  if ((d.cardsByColumn.get('')?.size ?? 0) > 0) columns.push(column('', undefined, unplaced));

  const legendOrder = servicesChanged ? d.legendOrder.map((s) => services.get(s.id) as BoardService) : d.legendOrder;
  const legend = servicesChanged || touched.size > 0 ? legendOrder.map((service) => ({ service, color: cachedColor(service.name), shown: d.shownPerService.get(service.id) ?? 0 })) : prev.legend;
  const progress = updateProgress(model.services, (id) => d.visibleByService.get(id) ?? []);
  const view: BoardView = { columns, legend, progress, stacks: prev.stacks, totals: { nodes: model.nodes.length, tasks: d.visibleCount, shown: d.shown }, orderKey: prev.orderKey };
  derivations.set(view, { ...d, model, legendOrder });
  return view;
}
