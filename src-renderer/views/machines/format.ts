// Small pure helpers for the Machines view: addresses, state colours, names and the wizard's plan.
import type { MachineSummary } from '../../../src-main/api/domains/machines';

/** the IP (or host) of an engine URL like tcp://172.18.0.5:2376 */
export function hostOfUrl(url: string): string {
  const m = /^[a-z]+:\/\/(\[[^\]]+\]|[^:/]+)/i.exec(url);
  return m ? m[1].replace(/^\[|\]$/g, '') : '';
}

export type Tone = 'ok' | 'warn' | 'err' | 'info' | '';

export function stateTone(state: MachineSummary['state']): Tone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'creating':
    case 'starting':
    case 'stopping':
      return 'info';
    case 'stopped':
    case 'paused':
    case 'saved':
    case 'timeout':
      return 'warn';
    case 'error':
    case 'not-found':
      return 'err';
    default:
      return '';
  }
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** why a machine name is not usable, or undefined when it is (docker-machine's rules, as the core checks them) */
export function machineNameProblem(name: string, taken: readonly string[] = []): string | undefined {
  if (!name) return 'give it a name';
  if (name.length > 63) return 'at most 63 characters';
  if (!NAME_RE.test(name) || name.endsWith('.') || name.endsWith('-')) return 'letters, digits, dots, dashes or underscores; start with a letter or digit, do not end with a dot or dash';
  if (taken.includes(name)) return `a machine named ${name} already exists: pick another name`;
  return undefined;
}

/** the first of swarm, swarm2, swarm3... whose machines (NAME-m1, NAME-w1...) do not exist yet */
export function freeSwarmName(taken: readonly string[], base = 'swarm'): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!taken.some((t) => t.startsWith(`${name}-m`) || t.startsWith(`${name}-w`) || t === name)) return name;
  }
}

/** the first of base, base2... that is not a machine yet */
export function freeMachineName(taken: readonly string[], base = 'machine'): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!taken.includes(name)) return name;
  }
}

export interface CreatePlan {
  kind: 'machines' | 'swarm';
  /** the machines that will exist afterwards */
  names: string[];
  managers: number;
  workers: number;
  problem?: string;
}

/**
 * What the create wizard will make: `count` standalone machines (NAME, or NAME-1..NAME-n), or a swarm of
 * `count` machines with `managers` of them managers (named as the one-click swarm names them).
 */
export function createPlan(p: { name: string; count: number; swarm: boolean; managers: number }, taken: readonly string[]): CreatePlan {
  const count = Math.max(1, Math.floor(p.count) || 1);
  if (p.swarm) {
    const managers = Math.min(Math.max(1, Math.floor(p.managers) || 1), count);
    const workers = count - managers;
    const names = [...Array.from({ length: managers }, (_, i) => `${p.name}-m${i + 1}`), ...Array.from({ length: workers }, (_, i) => `${p.name}-w${i + 1}`)];
    let problem = machineNameProblem(p.name);
    if (!problem && count > 20) problem = 'a swarm made here has at most 20 machines';
    if (!problem && managers > 9) problem = 'at most 9 managers (raft slows down with more; 3 or 5 is usual)';
    const clash = names.find((n) => taken.includes(n));
    if (!problem && clash) problem = `machine ${clash} already exists: pick another swarm name`;
    return { kind: 'swarm', names, managers, workers, problem };
  }
  const names = count === 1 ? [p.name] : Array.from({ length: count }, (_, i) => `${p.name}-${i + 1}`);
  let problem = machineNameProblem(p.name);
  if (!problem && count > 20) problem = 'at most 20 machines at a time';
  const clash = names.find((n) => taken.includes(n));
  if (!problem && clash) problem = `machine ${clash} already exists: pick another name`;
  return { kind: 'machines', names, managers: 0, workers: 0, problem };
}

/** raft fault tolerance of n managers: floor((n-1)/2) */
export function toleratedFailures(managers: number): number {
  return managers <= 0 ? 0 : Math.floor((managers - 1) / 2);
}

export interface DriverOptionDef {
  flag: string;
  description: string;
  type: 'string' | 'number' | 'boolean';
  default?: string | number | boolean;
}

/**
 * The wizard's driver option fields (text as typed) to the `options` the host takes, keyed by flag.
 * Empty fields are left out (the driver's default applies); numbers must be numbers.
 */
export function driverOptionValues(defs: readonly DriverOptionDef[], raw: Readonly<Record<string, string | boolean>>): { options: Record<string, string | number | boolean>; problem?: string } {
  const options: Record<string, string | number | boolean> = {};
  for (const d of defs) {
    const v = raw[d.flag];
    if (v === undefined || v === '') continue;
    if (d.type === 'boolean') {
      if (typeof v === 'boolean' && v !== d.default) options[d.flag] = v;
      continue;
    }
    const text = String(v).trim();
    if (!text) continue;
    if (d.type === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) return { options, problem: `${d.flag} must be a number, not "${text}"` };
      options[d.flag] = n;
    } else options[d.flag] = text;
  }
  return { options };
}
