// The preload half of opening a link in the system browser: window.flotillaShell.openExternal, one call over
// ipcRenderer.invoke. Kept free of the electron import (main half: open-external.ts).
export const OPEN_EXTERNAL_IPC = 'flotilla:shell:open-external';

export interface ShellBridge {
  /** opens an http(s) URL in the system browser; anything else is refused by the main process */
  openExternal(url: string): Promise<void>;
}

/** preload: the object exposed as window.flotillaShell */
export function createShellBridge(ipc: { invoke(channel: string, ...args: unknown[]): Promise<unknown> }): ShellBridge {
  return { openExternal: async (url) => void (await ipc.invoke(OPEN_EXTERNAL_IPC, url)) };
}
