// Parsing PowerShell answers: plain text (one value a line) as docker-machine's and minikube's expressions print
// it, and ConvertTo-Json for the switches (enum SwitchType as a number, or its name).

export interface VSwitch {
  id?: string;
  name: string;
  type: 'Private' | 'Internal' | 'External' | 'Unknown';
}

export const DEFAULT_SWITCH_ID = 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444';

function json(text: string): unknown {
  const t = text.trim();
  if (t === '') return null;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

export function parseBool(text: string): boolean {
  const j = json(text);
  if (typeof j === 'boolean') return j;
  return /^true$/i.test(text.trim());
}

/** A JSON string, array of strings, or lines of text. */
export function parseStrings(text: string): string[] {
  const j = json(text);
  if (j === null) return [];
  if (typeof j === 'string') return [j];
  if (Array.isArray(j)) return j.filter((x): x is string => typeof x === 'string');
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

const SWITCH_TYPES = ['Private', 'Internal', 'External'] as const;

function asArray(j: unknown): unknown[] {
  if (j === null || j === undefined) return [];
  return Array.isArray(j) ? j : [j];
}

export function parseSwitches(text: string): VSwitch[] {
  const j = json(text);
  if (j === undefined) throw new Error(`unreadable Get-VMSwitch answer: ${text.trim().slice(0, 200)}`);
  return asArray(j).flatMap((x) => {
    if (!x || typeof x !== 'object') return [];
    const o = x as Record<string, unknown>;
    if (typeof o.Name !== 'string') return [];
    const t = o.SwitchType;
    const type = typeof t === 'number' ? (SWITCH_TYPES[t] ?? 'Unknown') : SWITCH_TYPES.find((s) => s === t) ?? 'Unknown';
    return [{ ...(typeof o.Id === 'string' ? { id: o.Id } : {}), name: o.Name, type }];
  });
}

/** The answer of `( Get-VM name ).State`: "Running", "Off", "Saved", ... ("" when nothing was printed). */
export function parseState(text: string): string {
  return text.trim().split(/\r?\n/)[0]!.trim();
}

/** The first usable IPv4: IPv6 (link-local or not) and 169.254.x.x are skipped. */
export function firstIPv4(addresses: string[]): string | undefined {
  return addresses.find((a) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a) && !a.startsWith('169.254.'));
}

export type SwitchChoice = { ok: true; sw: VSwitch; why: string } | { ok: false; message: string };

function listing(all: VSwitch[]): string {
  return all.length ? all.map((s) => `"${s.name}" (${s.type})`).join(', ') : 'none';
}

/** The named switch; else the Default Switch; else the first External one. */
export function chooseSwitch(all: VSwitch[], named?: string): SwitchChoice {
  if (named) {
    const sw = all.find((s) => s.name === named);
    return sw
      ? { ok: true, sw, why: 'named with --hyperv-virtual-switch' }
      : { ok: false, message: `Hyper-V virtual switch "${named}" was not found; the switches here are: ${listing(all)}. Pass one of them with --hyperv-virtual-switch, or create it in Hyper-V Manager (Virtual Switch Manager)` };
  }
  const def = all.find((s) => s.id?.toLowerCase() === DEFAULT_SWITCH_ID || s.name === 'Default Switch');
  if (def) return { ok: true, sw: def, why: 'the Default Switch (NAT with DHCP, made by Windows)' };
  const ext = all.find((s) => s.type === 'External');
  if (ext) return { ok: true, sw: ext, why: 'the first External switch' };
  return {
    ok: false,
    message: `no usable Hyper-V virtual switch: there is no "Default Switch" and no External switch (switches here: ${listing(all)}). Create an External switch in Hyper-V Manager (Virtual Switch Manager) or with \`New-VMSwitch -Name flotilla -NetAdapterName <adapter> -AllowManagementOS $true\`, then pass --hyperv-virtual-switch flotilla`,
  };
}
