// Shared by every CLI verb: global flags, connecting to the chosen engine, printing, and errors.
import { Option, type Command } from 'commander';
import { FlotillaError, isFlotillaError } from '../api/errors';
import { connectEngine, parseEngineUrl, resolveLocalTarget, type EngineConnection, type EngineTarget } from '../host/direct';
import { openLocalHost, type LocalHost } from '../host/local';

export interface GlobalOptions {
  host?: string;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  sshKey?: string;
  json?: boolean;
  machine?: string;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/**
 * Options end at the first argument, as in docker, only where a verb takes a command after it
 * (`service create IMAGE sh -c ..`, `exec TASK ls -l`, `machine ssh NAME ls -l`): commander needs positional
 * options on the program for that, which confines the global flags to before the verb. So every verb gets
 * hidden copies of them, and `flotilla service ls --json` keeps working.
 */
export function globalFlagsEverywhere(program: Command): void {
  const globalsOf = program.options.filter((o) => o.long !== '--version');
  const walk = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      const taken = new Set(sub.options.flatMap((o) => [o.short, o.long]).filter(Boolean));
      for (const g of globalsOf) {
        if (taken.has(g.long) || (g.short && taken.has(g.short))) continue;
        sub.addOption(new Option(g.flags, g.description).hideHelp());
      }
      walk(sub);
    }
  };
  walk(program);
}

/** A command after its verb's arguments: a leading `--` (still accepted, as before options ended there) is dropped. */
export function commandWords(words: string[]): string[] {
  return words[0] === '--' ? words.slice(1) : words;
}

/** Resolves `--machine NAME` to an engine target; installed by the machines module. */
export type MachineResolver = (name: string) => Promise<EngineTarget>;
let machineResolver: MachineResolver | undefined;
export function setMachineResolver(r: MachineResolver): void {
  machineResolver = r;
}

/** Finds the machine that is a swarm node (its swarm address, else its name as the node's hostname); installed by the machines module. */
export type MachineNodeResolver = (node: { addr: string; hostname: string }) => Promise<EngineTarget | undefined>;
let machineNodeResolver: MachineNodeResolver | undefined;
export function setMachineNodeResolver(r: MachineNodeResolver): void {
  machineNodeResolver = r;
}
export async function machineNodeTarget(node: { addr: string; hostname: string }): Promise<EngineTarget | undefined> {
  return machineNodeResolver?.(node);
}

/** The engine the global flags point at: --machine, else -H, else DOCKER_HOST / docker context / default socket. */
export async function targetFromGlobals(g: GlobalOptions): Promise<EngineTarget> {
  if (g.machine) {
    if (!machineResolver) throw new FlotillaError('UNSUPPORTED', '--machine is not available in this build');
    return machineResolver(g.machine);
  }
  if (g.host) return parseEngineUrl(g.host, { tlscacert: g.tlscacert, tlscert: g.tlscert, tlskey: g.tlskey, sshKey: g.sshKey });
  return resolveLocalTarget();
}

/** The engine a URL names, with the global TLS and SSH flags (swarm join --manager, swarm create's engines). */
export function targetFromUrl(g: GlobalOptions, url: string): EngineTarget {
  return parseEngineUrl(url, { tlscacert: g.tlscacert, tlscert: g.tlscert, tlskey: g.tlskey, sshKey: g.sshKey });
}

/** A swarm node's engine as the flags reach it: with --machine the machine that is that node, else -H's transport at its address. */
async function nodeTargetFromGlobals(g: GlobalOptions, node: { addr: string; hostname: string }): Promise<EngineTarget> {
  const machine = g.machine ? await machineNodeTarget(node) : undefined;
  return machine ?? targetFromUrl(g, g.tlscacert || g.tlscert ? `tcp://${node.addr}:2376` : `ssh://root@${node.addr}`);
}

/**
 * Runs fn with the host in this process (see host/local.ts) and the id of the engine the global flags choose (the
 * manager, for swarm verbs); nodes' own engines are reached as nodeTargetFromGlobals says. Closes everything after.
 */
export async function withHost<T>(cmd: Command, fn: (host: LocalHost, engineId: string) => Promise<T>): Promise<T> {
  const g = globals(cmd);
  const target = await targetFromGlobals(g);
  const host = openLocalHost({ nodeTarget: (node) => nodeTargetFromGlobals(g, node) });
  try {
    return await fn(host, host.addEngine(g.machine ?? g.host ?? 'local', target));
  } finally {
    await host.close();
  }
}

/** Runs fn with a connection to the engine the global flags choose, and closes it afterwards. */
export async function withEngine<T>(cmd: Command, fn: (conn: EngineConnection) => Promise<T>): Promise<T> {
  const conn = await connectEngine(await targetFromGlobals(globals(cmd)));
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** Prints data as JSON with --json, else the human text. */
export function output(cmd: Command, data: unknown, human: () => string): void {
  if (globals(cmd).json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
  else {
    const text = human();
    if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
}

/** A plain text table like the docker CLI's: columns padded by the widest cell. */
export function table(headers: string[], rows: Array<Array<string | number | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i] + 3))).join('').trimEnd()).join('\n');
}

/** Progress lines go to stderr so --json output stays clean. */
export function progress(line: string): void {
  process.stderr.write(line + '\n');
}

/** Wraps an action: FlotillaErrors print as `flotilla: message` and exit non-zero. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      reportError(e);
    }
  };
}

export function reportError(e: unknown): void {
  const msg = isFlotillaError(e) ? e.message : e instanceof Error ? e.message : String(e);
  process.stderr.write(`flotilla: ${msg}\n`);
  if (process.env.FLOTILLA_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
  process.exitCode = isFlotillaError(e) && e.code === 'BAD_INPUT' ? 2 : interrupt?.signal.aborted ? 130 : 1;
}

let interrupt: AbortController | undefined;

/**
 * The signal a long operation (machine create, provision, one-click swarm) takes: the first Ctrl+C aborts it, and the
 * core stops at its next safe point and says how to remove or retry; a second Ctrl+C exits at once. Installed only by
 * the verbs that ask for it, so every other verb keeps Ctrl+C's default (exit).
 */
export function interruptSignal(): AbortSignal {
  if (interrupt) return interrupt.signal;
  const ac = new AbortController();
  interrupt = ac;
  process.on('SIGINT', () => {
    if (!ac.signal.aborted) {
      process.stderr.write('\nflotilla: stopping at the next safe point (press Ctrl+C again to quit at once)\n');
      ac.abort();
      return;
    }
    process.stderr.write('flotilla: quit; what was being made is left as it is: `flotilla machine ls` shows where it stopped\n');
    process.exit(130);
  });
  return ac.signal;
}

/** Parses an integer flag or fails with a message that names the flag. */
export function intArg(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min || n > max) throw new FlotillaError('BAD_INPUT', `invalid ${name} "${v}": expected a whole number from ${min} to ${max}`);
    return n;
  };
}
