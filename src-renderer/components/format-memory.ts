// One way to print a node's or engine's memory, so the Board, Cluster and Engines views agree (they did
// not: the Board rounded 23.5 GiB up to 24 GiB).
export function formatMemory(bytes?: number): string {
  if (!bytes) return '—';
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
