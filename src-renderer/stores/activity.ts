// Activity: the feed of what happened in the chosen swarm (the last 1,000 items) and the desktop notifications
// for it. Items come from the live model the cluster store already holds (no second stream): each change of
// the model goes through ActivityDeriver (src-main/api/activity.ts, shared with `flotilla events --activity`),
// and the items of kinds not muted go through ActivityCoalescer to a Notifier (the HTML5 Notification API,
// which the Electron window and the browser both have). Mutes and the notifications switch live in localStorage.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ACTIVITY_KINDS, ActivityCoalescer, ActivityDeriver, type ActivityItem, type ActivityKind, type ActivityModel, type ActivityNotice, type CoalescerOptions } from '../../src-main/api/activity';

export const FEED_MAX = 1000;
const MUTED_KEY = 'flotilla.activity.muted';
const DESKTOP_KEY = 'flotilla.activity.desktop';

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

/** the desktop's notifications: HTML5 Notification in the window and in the browser; fakes in tests */
export interface Notifier {
  permission(): NotifyPermission;
  /** asks the person (browsers allow it only from a click) */
  request(): Promise<NotifyPermission>;
  show(title: string, body: string | undefined, onClick: () => void): void;
}

export const browserNotifier: Notifier = {
  permission() {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  },
  async request() {
    if (typeof Notification === 'undefined') return 'unsupported';
    return Notification.requestPermission();
  },
  show(title, body, onClick) {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const n = new Notification(title, { body, tag: `flotilla-${title}` });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  },
};

export interface ActivityState {
  /** newest first, at most FEED_MAX */
  items: ActivityItem[];
  /** kinds that send no desktop notification (still in the feed) */
  muted: Partial<Record<ActivityKind, boolean>>;
  /** the person turned desktop notifications on (and the desktop allows them) */
  desktop: boolean;
  permission: NotifyPermission;
  /** the last 20 notices shown on the desktop, newest last */
  sent: ActivityNotice[];
  add(items: ActivityItem[]): void;
  clear(): void;
  setMuted(kind: ActivityKind, muted: boolean): void;
  /** turns desktop notifications on (asking the desktop's permission: call it from a click) or off */
  setDesktop(on: boolean): Promise<void>;
}

function readJson(key: string): unknown {
  try {
    const s = localStorage.getItem(key);
    return s === null ? undefined : (JSON.parse(s) as unknown);
  } catch {
    return undefined; // storage disabled or garbled: defaults
  }
}
function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage disabled */
  }
}

function readMuted(): Partial<Record<ActivityKind, boolean>> {
  const v = readJson(MUTED_KEY);
  const out: Partial<Record<ActivityKind, boolean>> = {};
  if (v && typeof v === 'object') for (const k of ACTIVITY_KINDS) if ((v as Record<string, unknown>)[k] === true) out[k] = true;
  return out;
}

export function createActivityStore(notifier: Notifier, opts: CoalescerOptions & { onOpen?: (item: ActivityItem) => void } = {}): StoreApi<ActivityState> & { push(items: ActivityItem[]): void; dispose(): void } {
  const store = createStore<ActivityState>((set, get) => ({
    items: [],
    muted: readMuted(),
    // on unless the person turned them off; shown only once the desktop allows them
    desktop: readJson(DESKTOP_KEY) !== false,
    permission: notifier.permission(),
    sent: [],
    add(items) {
      if (!items.length) return;
      set({ items: [...items].reverse().concat(get().items).slice(0, FEED_MAX) });
    },
    clear() {
      set({ items: [] });
    },
    setMuted(kind, muted) {
      const next = { ...get().muted };
      if (muted) next[kind] = true;
      else delete next[kind];
      write(MUTED_KEY, next);
      set({ muted: next });
    },
    async setDesktop(on) {
      write(DESKTOP_KEY, on);
      set({ desktop: on });
      if (on && notifier.permission() === 'default') set({ permission: await notifier.request() });
      else set({ permission: notifier.permission() });
    },
  }));
  const coalescer = new ActivityCoalescer((n) => {
    const st = store.getState();
    if (!st.desktop || notifier.permission() !== 'granted') return;
    store.setState({ sent: [...st.sent.slice(-19), n] });
    notifier.show(n.title, n.body, () => opts.onOpen?.(n.items[0]));
  }, opts);
  return Object.assign(store, {
    /** new items: into the feed, and (unless their kind is muted) towards a notification */
    push(items: ActivityItem[]) {
      store.getState().add(items);
      const muted = store.getState().muted;
      for (const i of items) if (!muted[i.kind]) coalescer.push(i);
    },
    dispose() {
      coalescer.dispose();
    },
  });
}

/** the part of the cluster store's state the feed follows */
export interface ClusterLike {
  engineId?: string;
  status: string;
  model: ActivityModel;
}

/**
 * Feeds the activity store from the cluster store: every new model goes through the deriver. A model that is
 * not live, or of another swarm, restarts the deriver (its next live model is a baseline, not news).
 */
export function followCluster(cluster: { getState(): ClusterLike; subscribe(fn: (s: ClusterLike, prev: ClusterLike) => void): () => void }, push: (items: ActivityItem[]) => void, now: () => number = Date.now): () => void {
  const deriver = new ActivityDeriver();
  let engineId: string | undefined;
  const onState = (s: ClusterLike): void => {
    if (s.engineId !== engineId || s.status !== 'live') {
      engineId = s.engineId;
      deriver.reset();
      if (s.status !== 'live') return;
    }
    const items = deriver.next(s.model, now());
    if (items.length) push(items);
  };
  onState(cluster.getState());
  return cluster.subscribe((s, prev) => {
    if (s.model !== prev.model || s.status !== prev.status || s.engineId !== prev.engineId) onState(s);
  });
}
