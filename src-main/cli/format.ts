// Small text helpers the verbs share: ids, sizes and ages as the docker CLI prints them, and repeatable flags.

/** commander's collector for a repeatable flag */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** an id as docker lists it: its first 12 characters */
export const short = (id: string | undefined): string => (id ?? '').slice(0, 12);

export function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.round(s)} seconds ago`;
  if (s < 3600) return `${Math.round(s / 60)} minutes ago`;
  if (s < 86400) return `${Math.round(s / 3600)} hours ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
