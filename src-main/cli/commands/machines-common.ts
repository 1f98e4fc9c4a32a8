// What the machine verbs share: the in-process host they call, progress printing, prompts, driver flags, sizes.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { MachineEvent, Shell } from '../../api/domains/machines';
import { driverOptionTable } from '../../host/direct';
import { openLocalHost, type LocalHost } from '../../host/local';
import { output, progress } from '../context';

/** Runs fn with the host in this process (the same machines handlers the window calls), closed after. */
export async function withMachines<T>(fn: (host: LocalHost) => Promise<T>): Promise<T> {
  const host = openLocalHost();
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

/** call options that print on stderr what a request did besides its result (a machine followed to a new address) */
export const saying = { notes: { step: progress, warning: (l: string) => progress(`warning: ${l}`) } };

/** steps on stderr (with -v the raw log too); the handler's final `done` event is not a step */
export function printEvent(json: boolean | undefined, verbose: boolean) {
  return (e: MachineEvent) => {
    if (json || e.done) return;
    if (e.step) progress(`${e.machine}: ${e.step}${e.detail ? ` (${e.detail})` : ''}`);
    else if (verbose && e.log) progress(`${e.machine}   ${e.log}`);
  };
}

export function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return Promise.resolve(false);
  process.stderr.write(`${question} (y/n): `);
  return new Promise((resolve) => {
    process.stdin.once('data', (d) => {
      process.stdin.pause();
      resolve(/^y(es)?$/i.test(d.toString().trim()));
    });
  });
}

const camel = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** driver options from `--opt KEY=VALUE`, the well-known generic flags and every driver's own flags */
export function driverOptions(o: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of (o.opt as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new FlotillaError('BAD_INPUT', `invalid --opt "${kv}": expected KEY=VALUE, e.g. generic-ssh-user=ubuntu`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const map: Record<string, string> = { genericIpAddress: 'generic-ip-address', genericSshUser: 'generic-ssh-user', genericSshPort: 'generic-ssh-port', genericSshKey: 'generic-ssh-key', genericEnginePort: 'generic-engine-port', containerImage: 'container-image', containerNetwork: 'container-network', containerSubnet: 'container-subnet' };
  for (const [k, flag] of Object.entries(map)) if (o[k] !== undefined) out[flag] = o[k] as string;
  // every registered driver's own flags (`--qemu-accel tcg`, `--hyperv-virtual-switch NAME`, ...)
  for (const d of driverOptionTable()) {
    for (const x of d.options) {
      const v = o[camel(x.flag)];
      if (v !== undefined && out[x.flag] === undefined) out[x.flag] = v as string | boolean;
    }
  }
  return out;
}

/** Adds each registered driver's options to `cmd` as flags of their own, the docker-machine way. */
export function addDriverFlags(cmd: Command): void {
  const known = new Set(cmd.options.map((x) => x.long));
  for (const d of driverOptionTable()) {
    for (const x of d.options) {
      const long = `--${x.flag}`;
      if (known.has(long)) continue;
      known.add(long);
      cmd.option(x.type === 'boolean' ? long : `${long} <value>`, `${d.name}: ${x.description}${x.default !== undefined ? ` (default ${String(x.default)})` : ''}`);
    }
  }
}

const UNIT_MB: Record<string, number> = { '': 0, m: 1, mb: 1, mib: 1, g: 1024, gb: 1024, gib: 1024, t: 1 << 20, tb: 1 << 20, tib: 1 << 20 };

/**
 * A size flag (`--memory 2g`, `--disk 40G`, `--memory 1536`) in MB or GB. A bare number is in the flag's own unit
 * (MB for memory, GB for disk, as `machine create` takes them); suffixes are binary, as docker's are.
 */
export function sizeArg(flag: string, unit: 'MB' | 'GB'): (v: string) => number {
  return (v: string) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
    const suffix = m?.[2].toLowerCase() ?? 'x';
    if (!m || !(suffix in UNIT_MB)) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": expected a size like ${unit === 'MB' ? '2048, 512m or 2g' : '40, 40g or 1t'}`);
    const mb = suffix === '' ? Number(m[1]) * (unit === 'MB' ? 1 : 1024) : Number(m[1]) * UNIT_MB[suffix];
    const n = unit === 'MB' ? mb : mb / 1024;
    if (!Number.isInteger(n) || n <= 0) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": it must be a whole number of ${unit} above 0 (e.g. ${unit === 'MB' ? '1536m or 2g' : '40g'})`);
    return n;
  };
}

/** one line per machine (`NAME started`), or the failures as one error */
export function reportAll(cmd: Command, names: string[], r: Array<PromiseSettledResult<unknown>>, verb: string): void {
  const failed = r.map((x, i) => ({ x, n: names[i] })).filter((y) => y.x.status === 'rejected');
  output(cmd, names.map((n, i) => ({ name: n, ok: r[i].status === 'fulfilled', error: r[i].status === 'rejected' ? ((r[i] as PromiseRejectedResult).reason as Error).message : undefined })), () => names.filter((_, i) => r[i].status === 'fulfilled').map((n) => `${n} ${verb}`).join('\n'));
  if (failed.length === 1) throw (failed[0].x as PromiseRejectedResult).reason;
  if (failed.length) throw new FlotillaError('ENGINE', failed.map((f) => `${f.n}: ${((f.x as PromiseRejectedResult).reason as Error).message}`).join('\n'));
}

/** the shell `machine env` writes for when --shell is not given: the user's, as this process sees it */
export function detectShell(env: NodeJS.ProcessEnv = process.env, platform = process.platform): Shell {
  const sh = env.SHELL ?? '';
  if (sh.endsWith('fish')) return 'fish';
  if (platform === 'win32') return env.PSModulePath ? 'powershell' : 'cmd';
  return 'bash';
}
