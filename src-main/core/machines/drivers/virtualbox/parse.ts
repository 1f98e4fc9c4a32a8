// Parsers for VBoxManage output. Unknown keys are ignored (VirtualBox 6.1 added `Wireless:`, 7.0 more).

export interface HostOnlyIf {
  name: string;
  guid?: string;
  dhcp: boolean;
  ip: string;
  netmask: string;
  hwaddr?: string;
  status?: string;
  networkName: string;
}

export interface DhcpServer {
  networkName: string;
  ip: string;
  netmask: string;
  lower: string;
  upper: string;
  enabled: boolean;
}

function blocks(text: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let cur = new Map<string, string>();
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    if (raw.trim() === '') {
      if (cur.size) out.push(cur);
      cur = new Map();
      continue;
    }
    if (/^\s/.test(raw)) continue; // nested sections of 6.1+ `list dhcpservers`
    const m = /^([^:]+):\s*(.*)$/.exec(raw);
    if (!m) continue;
    const key = m[1]!.trim().toLowerCase();
    if (cur.has(key) && (key === 'name' || key === 'networkname')) {
      out.push(cur);
      cur = new Map();
    }
    cur.set(key, m[2]!.trim());
  }
  if (cur.size) out.push(cur);
  return out;
}

export function parseHostOnlyIfs(text: string): HostOnlyIf[] {
  return blocks(text)
    .filter((b) => b.has('name'))
    .map((b) => {
      const name = b.get('name')!;
      return {
        name,
        ...(b.get('guid') ? { guid: b.get('guid')! } : {}),
        dhcp: (b.get('dhcp') ?? '').toLowerCase() === 'enabled',
        ip: b.get('ipaddress') ?? '',
        netmask: b.get('networkmask') ?? '',
        ...(b.get('hardwareaddress') ? { hwaddr: b.get('hardwareaddress')! } : {}),
        ...(b.get('status') ? { status: b.get('status')! } : {}),
        networkName: b.get('vboxnetworkname') ?? `HostInterfaceNetworking-${name}`,
      };
    });
}

export function parseDhcpServers(text: string): DhcpServer[] {
  return blocks(text)
    .filter((b) => b.has('networkname'))
    .map((b) => ({
      networkName: b.get('networkname')!,
      ip: b.get('ip') ?? b.get('dhcpd ip') ?? '',
      netmask: b.get('networkmask') ?? '',
      lower: b.get('loweripaddress') ?? '',
      upper: b.get('upperipaddress') ?? '',
      enabled: (b.get('enabled') ?? '').toLowerCase() === 'yes',
    }));
}

/** `showvminfo --machinereadable`: key=value and "key"="value" lines; values unquoted. */
export function parseMachineReadable(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.replace(/\r/g, '').split('\n')) {
    const r = /^("?)([^"=]+)\1=(.*)$/.exec(line.trim());
    if (!r) continue;
    let v = r[3]!;
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    m.set(r[2]!, v);
  }
  return m;
}

export type VBoxVmState = 'running' | 'paused' | 'saved' | 'stopped' | 'starting' | 'stopping' | 'unknown';

export function vmStateOf(info: Map<string, string>): VBoxVmState {
  switch (info.get('VMState')) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'saved':
      return 'saved';
    case 'poweroff':
    case 'aborted':
      return 'stopped';
    case 'starting':
    case 'restoring':
      return 'starting';
    case 'stopping':
    case 'saving':
      return 'stopping';
    default:
      return 'unknown';
  }
}

/** The host-only NIC's MAC (lower case, no colons), from `hostonlyadapterN` + `macaddressN`. */
export function hostOnlyMac(info: Map<string, string>): string | undefined {
  for (const [k] of info) {
    const m = /^hostonlyadapter(\d+)$/.exec(k);
    if (m) {
      const mac = info.get(`macaddress${m[1]}`);
      if (mac) return mac.toLowerCase();
    }
  }
  return undefined;
}

/** In `ip addr show` output, the first IPv4 after the `link/ether` line whose MAC matches. */
export function ipForMac(ipAddr: string, mac: string): string | undefined {
  const want = mac.toLowerCase().replace(/[:-]/g, '');
  let inMatch = false;
  for (const line of ipAddr.split('\n')) {
    const t = line.trim();
    const le = /^link\/ether\s+([0-9a-f:]+)/i.exec(t);
    if (le) {
      inMatch = le[1]!.toLowerCase().replace(/:/g, '') === want;
      continue;
    }
    if (/^\d+:\s/.test(t)) inMatch = false;
    const inet = /^inet\s+(\d+\.\d+\.\d+\.\d+)/.exec(t);
    if (inet && inMatch) return inet[1];
  }
  return undefined;
}

/** "7.0.20r163906", "5.0.8r103449", "4.2.36-104064", "6.1.28_Ubuntur147628" -> [maj, min, patch] */
export function parseVersion(s: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(s.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function versionAtLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (v[i]! !== min[i]!) return v[i]! > min[i]!;
  return true;
}
