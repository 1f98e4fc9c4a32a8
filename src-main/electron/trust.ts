// What the Electron window trusts, as plain functions (no electron import, so unit tests run them in Node).
// The renderer is served from the app's own scheme, flotilla://app/ (app-protocol.ts), the way VS Code serves
// vscode-file://vscode-app/; IPC, navigation and permissions trust exactly that origin, never file://.
// The dev server (electron-vite's ELECTRON_RENDERER_URL) replaces it only in an unpackaged app.

export const APP_SCHEME = 'flotilla';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** protocol.registerSchemesAsPrivileged: standard (real origin, relative URLs), secure (a secure context), fetch and
 * CORS for module scripts and workers, V8 code cache; no service workers, no CSP bypass */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } as const;

/** The CSP the app scheme sends with index.html (the page's meta tag carries the same policy minus the
 * header-only directives). connect-src names only the app's own origin: in Electron there is no WebSocket. */
export const ELECTRON_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface RendererLocation {
  /** what the window loads */
  readonly entry: string;
  /** the one origin IPC, navigation and permissions trust */
  readonly origin: string;
  /** set when ELECTRON_RENDERER_URL was given but not honoured, with why */
  readonly ignoredDevUrl?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** the dev server's URL counts only in an unpackaged app, over http(s) on this computer */
export function rendererLocation(opts: { isPackaged: boolean; devUrl?: string | undefined }): RendererLocation {
  const app = { entry: APP_ENTRY, origin: APP_ORIGIN };
  const dev = opts.devUrl;
  if (!dev) return app;
  if (opts.isPackaged) return { ...app, ignoredDevUrl: `ELECTRON_RENDERER_URL=${dev} is ignored: a packaged Flotilla loads only its own files` };
  const u = parse(dev);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !LOOPBACK.has(u.hostname) || u.username || u.password) {
    return { ...app, ignoredDevUrl: `ELECTRON_RENDERER_URL=${dev} is ignored: the dev server must be http(s) on localhost` };
  }
  return { entry: u.href, origin: u.origin };
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** true when url belongs to origin (scheme, host and port equal; no user info). Compared field by field because
 * WHATWG URL gives custom schemes the opaque origin "null". */
export function isTrustedUrl(origin: string, url: string): boolean {
  const o = parse(origin);
  const u = parse(url);
  if (!o || !u) return false;
  return u.protocol === o.protocol && u.host === o.host && u.host !== '' && u.username === '' && u.password === '';
}

/** the frame of an IPC message (Electron's WebFrameMain, or a stand-in) */
export interface FrameLike {
  readonly url: string;
  readonly parent?: unknown;
}

/** IPC is answered only for the main frame of our own page: a missing frame (navigated away or destroyed),
 * a sub-frame or a foreign URL is refused */
export function isTrustedFrame(origin: string, frame: FrameLike | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isTrustedUrl(origin, frame.url);
}

/** will-navigate / will-redirect / will-frame-navigate: only within our own origin */
export function mayNavigate(origin: string, url: string): boolean {
  return isTrustedUrl(origin, url);
}

/** setWindowOpenHandler: no window is ever opened; an http(s) link (the terminal's web links) goes to the
 * system browser, anything else (file:, javascript:, custom schemes that launch programs) nowhere */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally?: string } {
  const u = parse(url);
  if (u && (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password) return { action: 'deny', openExternally: u.href };
  return { action: 'deny' };
}

/** The permissions our own page may have: the clipboard, which the terminal's Ctrl+Shift+C / Ctrl+Shift+V use
 * (VS Code allows the same two to its own window), and notifications, which the Activity view's desktop
 * notifications use (the renderer's HTML5 Notification; the person can turn them off per kind in the app).
 * Everything else (camera, microphone, geolocation, USB, HID, serial, file system, openExternal...) is denied
 * to every page, and all of these to any page but our own. */
const OWN_PAGE_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-read', 'clipboard-sanitized-write', 'notifications']);

export function permissionAllowed(origin: string, permission: string, details: { requestingUrl?: string | undefined; isMainFrame: boolean }): boolean {
  if (!OWN_PAGE_PERMISSIONS.has(permission) || !details.isMainFrame || !details.requestingUrl) return false;
  return isTrustedUrl(origin, details.requestingUrl);
}
