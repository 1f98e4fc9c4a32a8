// /etc/os-release parsing and the provisioner family each OS gets.
export type OsFamily = 'debian' | 'redhat' | 'fedora' | 'boot2docker';

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1).trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[line.slice(0, eq).trim()] = v.replace(/\\(["'$`\\])/g, '$1');
  }
  return out;
}

export interface DetectedOs {
  id: string;
  name: string;
  version: string;
  family: OsFamily;
}

export function detectOs(osRelease: Record<string, string>): DetectedOs {
  const id = (osRelease.ID ?? '').toLowerCase();
  const like = (osRelease.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const base = { id, name: osRelease.PRETTY_NAME ?? osRelease.NAME ?? id, version: osRelease.VERSION_ID ?? '' };
  if (id === 'boot2docker') return { ...base, family: 'boot2docker' };
  if (id === 'debian' || id === 'ubuntu' || like.includes('debian') || like.includes('ubuntu')) return { ...base, family: 'debian' };
  if (id === 'fedora') return { ...base, family: 'fedora' };
  if (['centos', 'rhel', 'rocky', 'almalinux', 'ol'].includes(id) || like.includes('rhel') || like.includes('centos')) return { ...base, family: 'redhat' };
  if (like.includes('fedora')) return { ...base, family: 'redhat' };
  throw new Error(`unsupported operating system "${base.name}" (ID=${id || 'missing'}): Flotilla provisions Debian, Ubuntu, CentOS/RHEL/Rocky/Alma, Fedora and boot2docker`);
}
