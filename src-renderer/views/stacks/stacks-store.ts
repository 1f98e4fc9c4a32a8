// The app's workbench store instance, bound to the one api client (the factory is in workbench-store.ts).
import { useStore } from 'zustand';
import { api } from '../../api';
import { createWorkbenchStore, type WorkbenchState } from './workbench-store';

export const workbench = createWorkbenchStore(api);

export function useWorkbench<T>(select: (s: WorkbenchState) => T): T {
  return useStore(workbench, select);
}

/** the editor listens for "show this line" requests (problems list, variables and files panels) */
type RevealListener = (line: number, column: number) => void;
const revealListeners = new Set<RevealListener>();
export function revealInEditor(line: number, column = 1): void {
  for (const l of revealListeners) l(line, column);
}
export function onReveal(l: RevealListener): () => void {
  revealListeners.add(l);
  return () => revealListeners.delete(l);
}
