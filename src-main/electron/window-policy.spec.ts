// The window policy through stand-ins for webContents and session (no Electron binary here): what
// will-navigate, will-frame-navigate, will-redirect, will-attach-webview, setWindowOpenHandler and the
// permission handlers do, with the URLs Electron would give them (a dropped file navigates to its file:// URL).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, APP_ORIGIN } from './trust';
import { guardSession, guardWebContents, type PreventableLike, type SessionLike, type WebContentsLike } from './window-policy';

function standIn() {
  const events = new EventEmitter();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const contents: WebContentsLike = {
    on: (event, listener) => events.on(event, listener as (...a: unknown[]) => void),
    setWindowOpenHandler: (h) => void (openHandler = h),
  };
  const opened: string[] = [];
  const refused: string[] = [];
  guardWebContents(contents, APP_ORIGIN, (url) => opened.push(url), (what) => refused.push(what));
  /** emits like Electron: an event object with url and preventDefault, and (will-navigate, will-redirect) the url again */
  const emit = (event: string, url: string): boolean => {
    let prevented = false;
    const e: PreventableLike = { url, preventDefault: () => void (prevented = true) };
    events.emit(event, e, url);
    return prevented;
  };
  return { events, emit, open: (url: string) => openHandler?.({ url }), opened, refused };
}

describe('guardWebContents: the window stays on its own page', () => {
  it('lets navigation within flotilla://app/ go ahead', () => {
    const w = standIn();
    for (const ev of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(w.emit(ev, APP_ENTRY)).toBe(false);
      expect(w.emit(ev, 'flotilla://app/index.html#/stacks')).toBe(false);
    }
    expect(w.refused).toEqual([]);
  });
  it.each([
    'file:///home/me/Downloads/evil.html', // a file dropped on the window
    'file:///opt/Flotilla/resources/app.asar/out/renderer/index.html',
    'https://example.com/',
    'data:text/html,<script>flotilla.invoke()</script>',
    'javascript:alert(1)',
    'devtools://devtools/bundled/inspector.html',
    'flotilla://evil/index.html',
    'about:blank',
  ])('prevents navigating, frame navigating or redirecting to %s', (url) => {
    const w = standIn();
    expect(w.emit('will-navigate', url)).toBe(true);
    expect(w.emit('will-frame-navigate', url)).toBe(true);
    expect(w.emit('will-redirect', url)).toBe(true);
    expect(w.refused).toEqual([`navigation to ${url}`, `frame navigation to ${url}`, `redirect to ${url}`]);
  });
  it('prevents a navigation whose event carries no URL', () => {
    const w = standIn();
    let prevented = false;
    w.events.emit('will-navigate', { preventDefault: () => void (prevented = true) });
    expect(prevented).toBe(true);
  });
  it('refuses every <webview>', () => {
    const w = standIn();
    expect(w.emit('will-attach-webview', APP_ENTRY)).toBe(true);
    expect(w.refused).toEqual(['a <webview>']);
  });
  it('opens no window: web links go to the system browser, anything else nowhere', () => {
    const w = standIn();
    expect(w.open('https://docs.docker.com/')).toEqual({ action: 'deny' });
    expect(w.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(w.open(APP_ENTRY)).toEqual({ action: 'deny' });
    expect(w.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(w.opened).toEqual(['https://docs.docker.com/']);
    expect(w.refused).toEqual(['a new window for file:///etc/passwd', `a new window for ${APP_ENTRY}`, 'a new window for javascript:alert(1)']);
  });
});

describe('guardSession: permissions', () => {
  function session() {
    let request: Parameters<SessionLike['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<SessionLike['setPermissionCheckHandler']>[0] | undefined;
    guardSession({ setPermissionRequestHandler: (h) => void (request = h), setPermissionCheckHandler: (h) => void (check = h) }, APP_ORIGIN);
    if (!request || !check) throw new Error('guardSession set no handler');
    const req = request;
    const chk = check;
    return {
      request: (permission: string, requestingUrl: string, isMainFrame = true): boolean => {
        let answer: boolean | undefined;
        req(null, permission, (granted) => void (answer = granted), { requestingUrl, isMainFrame });
        if (answer === undefined) throw new Error('the request handler never answered');
        return answer;
      },
      check: (permission: string, requestingOrigin: string, requestingUrl?: string, isMainFrame = true): boolean => chk(null, permission, requestingOrigin, { requestingUrl, isMainFrame }),
    };
  }
  const denied = ['media', 'geolocation', 'openExternal', 'fileSystem', 'display-capture', 'hid', 'serial', 'usb', 'midiSysex', 'pointerLock', 'fullscreen', 'unknown'];
  it.each(denied)('denies %s to our own page, by request and by check', (p) => {
    const s = session();
    expect(s.request(p, APP_ENTRY)).toBe(false);
    expect(s.check(p, APP_ORIGIN, APP_ENTRY)).toBe(false);
  });
  it('grants our own page the clipboard the terminal copies and pastes with, and no other page', () => {
    const s = session();
    expect(s.request('clipboard-sanitized-write', APP_ENTRY)).toBe(true);
    expect(s.request('clipboard-read', APP_ENTRY)).toBe(true);
    expect(s.check('clipboard-read', APP_ORIGIN)).toBe(true); // a check without requestingUrl: judged by its origin
    expect(s.request('clipboard-read', 'file:///home/me/evil.html')).toBe(false);
    expect(s.request('clipboard-read', APP_ENTRY, false)).toBe(false);
    expect(s.check('clipboard-read', 'https://evil.example', 'https://evil.example/')).toBe(false);
    expect(s.check('clipboard-sanitized-write', 'file://', 'file:///tmp/x.html')).toBe(false);
  });
  it("grants our own page notifications (Activity's desktop notifications), by request and by check, and no other page or frame", () => {
    const s = session();
    expect(s.request('notifications', APP_ENTRY)).toBe(true);
    expect(s.check('notifications', APP_ORIGIN, APP_ENTRY)).toBe(true);
    expect(s.check('notifications', APP_ORIGIN)).toBe(true); // HTML5 Notification.permission: a check by origin
    expect(s.request('notifications', 'https://evil.example/')).toBe(false);
    expect(s.request('notifications', APP_ENTRY, false)).toBe(false);
    expect(s.check('notifications', 'file://', 'file:///tmp/x.html')).toBe(false);
  });
});
