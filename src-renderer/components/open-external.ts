// Opens an http(s) link in the system browser: in the window through the preload's window.flotillaShell (the
// main process checks the URL again and calls shell.openExternal), in browser mode as a new tab that cannot
// reach back into Flotilla (noopener, noreferrer).
declare global {
  interface Window {
    flotillaShell?: { openExternal(url: string): Promise<void> };
  }
}

/** http and https only: a port link is never anything else */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

export async function openExternal(url: string): Promise<void> {
  if (!isWebUrl(url)) throw new Error(`not an http(s) link: ${url}`);
  if (window.flotillaShell) return window.flotillaShell.openExternal(url);
  window.open(url, '_blank', 'noopener,noreferrer');
}
