// How the cluster views show images, ages, service colours and task states, the same in every view.

/** `repo/name:tag@sha256:...` -> `repo/name:tag` (the digest only matters for comparison, not display) */
export function shortImage(image: string): string {
  const at = image.indexOf('@');
  let s = at >= 0 ? image.slice(0, at) : image;
  if (s.startsWith('docker.io/library/')) s = s.slice('docker.io/library/'.length);
  if (!/:[^/]+$/.test(s)) s += ':latest';
  return s;
}

/** distinct hues, readable on light and dark; a service keeps its colour across redeploys (picked by name) */
const PALETTE = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#dc2626', '#4f46e5', '#059669', '#c026d3', '#65a30d', '#0284c7', '#9333ea', '#e11d48', '#0d9488'];

/** A stable palette index per service name (stays the same across redeploys, unlike the id). */
export function serviceColorIndex(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % PALETTE.length;
}

/** A stable colour per service name. */
export function serviceColor(name: string): string {
  return PALETTE[serviceColorIndex(name)];
}

/** The card's colour as a class (board.css sets --svc per class): no inline style to parse per card. */
export function serviceColorClass(name: string): string {
  return `svc-c${serviceColorIndex(name)}`;
}

/** Rough age for a card: 5s, 3m, 2h, 4d. */
export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** a task state -> its css tone */
export function stateTone(state: string): 'ok' | 'err' | 'warn' | 'muted' | 'info' {
  if (state === 'running') return 'ok';
  if (state === 'failed' || state === 'rejected' || state === 'orphaned') return 'err';
  if (state === 'shutdown' || state === 'complete' || state === 'remove') return 'muted';
  if (state === 'preparing' || state === 'starting' || state === 'ready') return 'info';
  return 'warn'; // new pending assigned accepted
}
