// The Logs view's typed "since": what docker service logs --since takes, checked before it is sent.

/**
 * What the "since" field means, as the engine's `since` (seconds since 1970, or a relative 90s/10m/2h the
 * core resolves), or an error. A date without a zone is the browser's local time, so it is turned into
 * seconds here, where that zone is known; an RFC 3339 fraction keeps all its digits, as the docker CLI does.
 */
export function sinceValue(v: string): { value: string } | { error: string } {
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t) || /^\d+(s|m|h)$/.test(t)) return { value: t };
  const frac = /^(.*T\d\d:\d\d:\d\d)\.(\d+)(Z|[+-]\d\d:\d\d)$/i.exec(t);
  const ms = Date.parse(frac ? `${frac[1]}${frac[3]}` : t);
  if (!t || Number.isNaN(ms)) return { error: `"${t}" is not a time: type 2026-12-03T17:50:00Z, a local 2026-12-03 17:50:00, seconds since 1970, or 90s / 10m / 2h` };
  if (frac) return { value: `${Math.floor(ms / 1000)}.${frac[2]}` };
  return { value: (ms / 1000).toFixed(3) };
}
