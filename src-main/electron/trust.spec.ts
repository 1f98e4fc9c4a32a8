// What the Electron window trusts: a URL table against the app's origin and the dev server's, where the renderer
// comes from (packaged or not), which IPC frames are answered, where a window may go, and permissions.
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, APP_ORIGIN, ELECTRON_CSP, isTrustedFrame, isTrustedUrl, mayNavigate, permissionAllowed, rendererLocation, windowOpenDecision } from './trust';

const DEV = 'http://localhost:5173';

describe('isTrustedUrl / mayNavigate: only the one origin', () => {
  const table: Array<[string, string, boolean]> = [
    [APP_ORIGIN, 'flotilla://app/index.html', true],
    [APP_ORIGIN, 'flotilla://app/', true],
    [APP_ORIGIN, 'flotilla://app/assets/index-7VJsuGFj.js', true],
    [APP_ORIGIN, 'flotilla://app/index.html?x=1#/stacks', true],
    // traversal stays on the origin (the protocol handler keeps it in the folder: app-protocol.spec.ts)
    [APP_ORIGIN, 'flotilla://app/../../etc/passwd', true],
    [APP_ORIGIN, 'flotilla://app/%2e%2e/%2e%2e/etc/passwd', true],
    [APP_ORIGIN, 'flotilla://APP/index.html', false],
    [APP_ORIGIN, 'flotilla://app.evil.example/index.html', false],
    [APP_ORIGIN, 'flotilla://evil/index.html', false],
    [APP_ORIGIN, 'flotilla://app:8080/index.html', false],
    [APP_ORIGIN, 'flotilla://user@app/index.html', false],
    [APP_ORIGIN, 'flotilla://app@evil/index.html', false],
    [APP_ORIGIN, 'flotilla:app/index.html', false],
    [APP_ORIGIN, 'flotillax://app/index.html', false],
    [APP_ORIGIN, 'file:///opt/Flotilla/resources/app.asar/out/renderer/index.html', false],
    [APP_ORIGIN, 'file:///home/me/Downloads/evil.html', false],
    [APP_ORIGIN, 'file://app/index.html', false],
    [APP_ORIGIN, 'data:text/html,<script>flotilla.invoke()</script>', false],
    [APP_ORIGIN, 'javascript:alert(1)', false],
    [APP_ORIGIN, 'blob:flotilla://app/1b4e28ba-2fa1-11d2-883f-0016d3cca427', false],
    [APP_ORIGIN, 'about:blank', false],
    [APP_ORIGIN, 'devtools://devtools/bundled/inspector.html', false],
    [APP_ORIGIN, 'chrome://gpu', false],
    [APP_ORIGIN, 'https://example.com/', false],
    [APP_ORIGIN, DEV + '/index.html', false],
    [APP_ORIGIN, '', false],
    [APP_ORIGIN, 'not a url', false],
    [DEV, 'http://localhost:5173/', true],
    [DEV, 'http://localhost:5173/src/main.tsx', true],
    [DEV, 'http://localhost:5174/', false],
    [DEV, 'https://localhost:5173/', false],
    [DEV, 'http://127.0.0.1:5173/', false],
    [DEV, 'http://localhost.evil.example:5173/', false],
    [DEV, 'ws://localhost:5173/', false],
    [DEV, APP_ENTRY, false],
    [DEV, 'file:///tmp/index.html', false],
  ];
  it.each(table)('origin %s, %s → %s', (origin, url, trusted) => {
    expect(isTrustedUrl(origin, url)).toBe(trusted);
    expect(mayNavigate(origin, url)).toBe(trusted);
  });
});

describe('rendererLocation: where the window loads from', () => {
  it('is the app scheme when no dev server is named', () => {
    expect(rendererLocation({ isPackaged: true })).toEqual({ entry: 'flotilla://app/index.html', origin: 'flotilla://app' });
    expect(rendererLocation({ isPackaged: false, devUrl: '' })).toEqual({ entry: APP_ENTRY, origin: APP_ORIGIN });
  });
  it('honours ELECTRON_RENDERER_URL only in an unpackaged app', () => {
    expect(rendererLocation({ isPackaged: false, devUrl: 'http://localhost:5173/' })).toEqual({ entry: 'http://localhost:5173/', origin: DEV });
    const packaged = rendererLocation({ isPackaged: true, devUrl: 'http://localhost:5173/' });
    expect(packaged).toMatchObject({ entry: APP_ENTRY, origin: APP_ORIGIN });
    expect(packaged.ignoredDevUrl).toMatch(/ignored: a packaged Flotilla loads only its own files/);
  });
  it.each(['https://evil.example/', 'file:///tmp/index.html', 'data:text/html,x', 'http://user:pw@localhost:5173/', 'http://10.0.0.5:5173/', 'nonsense'])(
    'ignores a dev server that is not http(s) on this computer: %s',
    (devUrl) => {
      const r = rendererLocation({ isPackaged: false, devUrl });
      expect(r).toMatchObject({ entry: APP_ENTRY, origin: APP_ORIGIN });
      expect(r.ignoredDevUrl).toMatch(/must be http\(s\) on localhost/);
    },
  );
  it.each(['http://127.0.0.1:5173/', 'http://[::1]:5173/', 'https://localhost:5173/'])('accepts the loopback dev server %s', (devUrl) => {
    expect(rendererLocation({ isPackaged: false, devUrl }).origin).toBe(new URL(devUrl).origin);
  });
});

describe('isTrustedFrame: the IPC sender check', () => {
  it('answers the main frame of our own page', () => {
    expect(isTrustedFrame(APP_ORIGIN, { url: APP_ENTRY, parent: null })).toBe(true);
  });
  it('refuses a null or missing frame (the page navigated away or the frame is gone)', () => {
    expect(isTrustedFrame(APP_ORIGIN, null)).toBe(false);
    expect(isTrustedFrame(APP_ORIGIN, undefined)).toBe(false);
  });
  it('refuses a foreign page and a file:// page', () => {
    expect(isTrustedFrame(APP_ORIGIN, { url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedFrame(APP_ORIGIN, { url: 'file:///home/me/evil.html', parent: null })).toBe(false);
  });
  it('refuses a sub-frame, even one on our origin', () => {
    expect(isTrustedFrame(APP_ORIGIN, { url: APP_ENTRY, parent: { url: APP_ENTRY } })).toBe(false);
  });
});

describe('windowOpenDecision: no new window, ever', () => {
  it.each([
    ['https://docs.docker.com/engine/swarm/', 'https://docs.docker.com/engine/swarm/'],
    ['http://10.88.0.11:8080/', 'http://10.88.0.11:8080/'],
  ])('sends the web link %s to the system browser', (url, external) => {
    expect(windowOpenDecision(url)).toEqual({ action: 'deny', openExternally: external });
  });
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'smb://evil/share', 'ms-settings:', APP_ENTRY, 'devtools://devtools/x', 'https://user:pw@evil.example/', 'nonsense'])(
    'opens nothing for %s',
    (url) => {
      expect(windowOpenDecision(url)).toEqual({ action: 'deny' });
    },
  );
});

describe('permissionAllowed', () => {
  const own = { requestingUrl: APP_ENTRY, isMainFrame: true };
  const every = ['clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'idle-detection', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'notifications', 'pointerLock', 'keyboardLock', 'openExternal', 'speaker-selection', 'storage-access', 'top-level-storage-access', 'window-management', 'unknown', 'fileSystem', 'hid', 'serial', 'usb', 'deprecated-sync-clipboard-read'];
  it('denies every permission except the clipboard and notifications to our own page', () => {
    const granted = every.filter((p) => permissionAllowed(APP_ORIGIN, p, own));
    expect(granted).toEqual(['clipboard-read', 'clipboard-sanitized-write', 'notifications']);
  });
  it('denies even the clipboard and notifications to any other page, a sub-frame, or a request without a URL', () => {
    for (const p of every) {
      expect(permissionAllowed(APP_ORIGIN, p, { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
      expect(permissionAllowed(APP_ORIGIN, p, { requestingUrl: 'file:///tmp/x.html', isMainFrame: true })).toBe(false);
      expect(permissionAllowed(APP_ORIGIN, p, { requestingUrl: APP_ENTRY, isMainFrame: false })).toBe(false);
      expect(permissionAllowed(APP_ORIGIN, p, { isMainFrame: true })).toBe(false);
    }
  });
});

describe('ELECTRON_CSP', () => {
  it('connects only to its own origin: no ws:, wss: or any other scheme', () => {
    const connect = ELECTRON_CSP.split('; ').find((d) => d.startsWith('connect-src '));
    expect(connect).toBe("connect-src 'self'");
    expect(ELECTRON_CSP).toContain("frame-ancestors 'none'");
    expect(ELECTRON_CSP).toContain("object-src 'none'");
  });
});
