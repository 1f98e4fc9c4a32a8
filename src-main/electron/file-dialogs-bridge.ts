// The preload half of the file dialogs: window.flotillaFiles, three typed calls over ipcRenderer.invoke.
// Kept free of the electron import (main half: file-dialogs.ts).
export const FILE_IPC = {
  openText: 'flotilla:files:open-text',
  openBinary: 'flotilla:files:open-binary',
  saveText: 'flotilla:files:save-text',
} as const;

export interface FileDialogs {
  openText(opts: { title: string; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ path: string; content: string } | undefined>;
  openBinary(opts: { title: string }): Promise<{ path: string; base64: string; size: number } | undefined>;
  saveText(opts: { title: string; defaultPath: string; content: string }): Promise<string | undefined>;
}

/** preload: the object exposed as window.flotillaFiles */
export function createFileDialogs(ipc: { invoke(channel: string, ...args: unknown[]): Promise<unknown> }): FileDialogs {
  return {
    openText: (opts) => ipc.invoke(FILE_IPC.openText, opts) as ReturnType<FileDialogs['openText']>,
    openBinary: (opts) => ipc.invoke(FILE_IPC.openBinary, opts) as ReturnType<FileDialogs['openBinary']>,
    saveText: (opts) => ipc.invoke(FILE_IPC.saveText, opts) as ReturnType<FileDialogs['saveText']>,
  };
}
