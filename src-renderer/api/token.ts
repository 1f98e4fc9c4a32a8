// Browser mode's token: it arrives once in the address bar (?token=), is kept in sessionStorage (bound
// to this origin, port included, and to this tab; it survives reloads) and leaves the address bar at
// once, so it is not shown, bookmarked or shared with the rest of the URL.
export const TOKEN_KEY = 'flotilla.token';
/** The WebSocket subprotocols that carry the token: the server answers with the first, never echoes the second. */
export const PROTOCOL = 'flotilla.v1';
export const TOKEN_PROTOCOL_PREFIX = 'flotilla.token.';

export interface TokenPlace {
  /** the page's address */
  href: string;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** replaces the address without a navigation (history.replaceState) */
  replaceUrl(url: string): void;
}

/** The token from the address bar (then removed from it, keeping the other parameters and the #view) or from storage. */
export function takeToken(place: TokenPlace): string | undefined {
  const url = new URL(place.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    place.storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    place.replaceUrl(url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return place.storage.getItem(TOKEN_KEY) ?? undefined;
}

/** Only base64url characters can stand in a subprotocol name; anything else is not a token we printed. */
export function tokenProtocols(token: string): string[] | undefined {
  return /^[A-Za-z0-9_-]+$/.test(token) ? [PROTOCOL, TOKEN_PROTOCOL_PREFIX + token] : undefined;
}
