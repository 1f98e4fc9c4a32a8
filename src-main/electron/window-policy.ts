// Applies trust.ts to every web contents and to the session: navigation away from our origin, redirects,
// new windows and <webview> are refused, permissions go through permissionAllowed. Written against small
// interfaces (not the electron module) so tests drive it with stand-ins; main.ts passes the real objects.
import { mayNavigate, permissionAllowed, windowOpenDecision } from './trust';

export interface PreventableLike {
  readonly url?: string;
  preventDefault(): void;
}

export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview', listener: (e: PreventableLike, ...rest: never[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string; isMainFrame: boolean }) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string, details: { requestingUrl?: string; isMainFrame: boolean }) => boolean): void;
}

/** what the policy does when it refuses something; main.ts logs, tests record */
export type Refusal = (what: string) => void;

export function guardWebContents(contents: WebContentsLike, origin: string, openExternal: (url: string) => void, refused: Refusal): void {
  const stayHome = (kind: string) => (e: PreventableLike, legacyUrl?: unknown) => {
    // will-navigate/will-redirect give the URL as the event's url (and, deprecated, as an argument)
    const url = e.url ?? (typeof legacyUrl === 'string' ? legacyUrl : '');
    if (mayNavigate(origin, url)) return;
    e.preventDefault();
    refused(`${kind} to ${url || '(no URL)'}`);
  };
  contents.on('will-navigate', stayHome('navigation'));
  contents.on('will-frame-navigate', stayHome('frame navigation'));
  contents.on('will-redirect', stayHome('redirect'));
  contents.on('will-attach-webview', (e) => {
    e.preventDefault();
    refused('a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const d = windowOpenDecision(url);
    if (d.openExternally) openExternal(d.openExternally);
    else refused(`a new window for ${url}`);
    return { action: 'deny' };
  });
}

export function guardSession(session: SessionLike, origin: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionAllowed(origin, permission, details)));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(origin, permission, { isMainFrame: details.isMainFrame, requestingUrl: details.requestingUrl ?? requestingOrigin }),
  );
}
