// Cross-view navigation: one view asks another to open something ("logs of this service", "a shell on
// this machine"). The target view reads the pending intent when it mounts (or while mounted) and clears it.
import { create } from 'zustand';
import { useUi, type ViewId } from './ui';

export type LogTarget =
  | { kind: 'service'; engineId: string; serviceId: string; name?: string }
  | { kind: 'task'; engineId: string; taskId: string; name?: string }
  | { kind: 'container'; engineId: string; containerId: string; name?: string }
  /** every service of a stack, merged in time order */
  | { kind: 'stack'; engineId: string; stack: string; name?: string };

export type TerminalTarget =
  | { kind: 'machine'; machine: string }
  | { kind: 'engine-host'; engineId: string; name?: string }
  | { kind: 'task'; engineId: string; taskId: string; name?: string }
  | { kind: 'container'; engineId: string; containerId: string; name?: string };

export type Intent =
  | { view: 'services'; serviceId: string }
  | { view: 'stacks'; stack: string }
  | { view: 'logs'; target: LogTarget }
  | { view: 'terminals'; target: TerminalTarget }
  | { view: 'cluster'; nodeId: string };

interface NavState {
  intent?: Intent;
  /** switch to the intent's view and leave the intent for it */
  open(intent: Intent): void;
  /** the view took the intent: returns it once, then forgets it */
  take<V extends ViewId>(view: V): Extract<Intent, { view: V }> | undefined;
}

export const useNav = create<NavState>((set, get) => ({
  open(intent) {
    set({ intent });
    useUi.getState().setView(intent.view);
  },
  take(view) {
    const i = get().intent;
    if (!i || i.view !== view) return undefined;
    set({ intent: undefined });
    return i as Extract<Intent, { view: typeof view }>;
  },
}));
