// Opening and saving compose files: native dialogs in Electron (the preload's window.flotillaFiles),
// upload and download in a browser. Attached secret/config files are read the same way, as base64.

/** what the Electron preload adds for files (src-main/electron/file-dialogs.ts) */
export interface FileDialogs {
  openText(opts: { title: string; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ path: string; content: string } | undefined>;
  openBinary(opts: { title: string }): Promise<{ path: string; base64: string; size: number } | undefined>;
  saveText(opts: { title: string; defaultPath: string; content: string }): Promise<string | undefined>;
}

declare global {
  interface Window {
    flotillaFiles?: FileDialogs;
  }
}

const COMPOSE_FILTERS = [{ name: 'Compose files', extensions: ['yml', 'yaml'] }];

function pick(accept: string): Promise<File | undefined> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.addEventListener('change', () => resolve(input.files?.[0] ?? undefined), { once: true });
    input.addEventListener('cancel', () => resolve(undefined), { once: true });
    input.click();
  });
}

export async function openComposeFile(): Promise<{ name: string; content: string } | undefined> {
  const native = window.flotillaFiles;
  if (native) {
    const r = await native.openText({
      title: 'Open a compose file',
      filters: COMPOSE_FILTERS,
    });
    return r && { name: r.path, content: r.content };
  }
  const f = await pick('.yml,.yaml,text/yaml,application/yaml');
  return f && { name: f.name, content: await f.text() };
}

export async function readAttachment(): Promise<{ name: string; base64: string; size: number } | undefined> {
  const native = window.flotillaFiles;
  if (native) {
    const r = await native.openBinary({ title: 'Attach a file' });
    return r && { name: r.path, base64: r.base64, size: r.size };
  }
  const f = await pick('');
  if (!f) return undefined;
  return {
    name: f.name,
    base64: toBase64(new Uint8Array(await f.arrayBuffer())),
    size: f.size,
  };
}

/** saves (Electron: a native save dialog) or downloads (browser) the compose text; returns where it went */
export async function saveComposeFile(fileName: string, content: string): Promise<string | undefined> {
  const native = window.flotillaFiles;
  if (native)
    return native.saveText({
      title: 'Save the compose file',
      defaultPath: fileName,
      content,
    });
  const url = URL.createObjectURL(new Blob([content], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName.split(/[\\/]/).pop() || 'docker-compose.yml';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return a.download;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
