// `npm run bench -- scale` (`npm run build` first; not run in CI): a real swarm of 20 container machines on this
// computer made by one `flotilla swarm create NAME --driver container --managers 3 --workers 17`, 500 busybox tasks
// on it, then:
// - eventsP95Ms: task state change -> the core's model, as `bench events` measures it, at that size;
// - idle for 2 minutes while `flotilla serve` watches the whole swarm (a WebSocket subscription to swarm.model):
//   the serving process's CPU (utime+stime from /proc, % of one core) and RSS, and the API requests every engine
//   received in that window beyond the event streams, counted from the engines' own logs (dockerd's debug log,
//   switched on by SIGHUP with "debug": true in daemon.json: one "Calling METHOD PATH" line per request).
// The machines are removed at the end, whatever happened. BENCH_SCALE_NAME (default scaleNNN), BENCH_NODES (20),
// BENCH_TASKS (500), BENCH_IDLE_SECONDS (120), BENCH_CHANGES (60) change the run; BENCH_SETTLE_MS, BENCH_ECHO_MS and
// BENCH_ECHO_AGAIN_MS the events watcher's (as in `bench events`).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectEngine, type EngineConnection } from '../src-main/core/engine';
import * as sw from '../src-main/core/swarm';
import type { RawTask } from '../src-main/core/swarm/mappers';
import { MachineStore } from '../src-main/core/machines/store';
import { tlsFilesOf } from '../src-main/core/machines/commands';
import { containerName } from '../src-main/core/machines/drivers/container';
import { ensureNodeBusybox } from '../src-main/core/lab/image';
import { BUSYBOX, ServerChild } from '../test/support/fault-drills';
import { measureTaskLatency, watcherOptionsFromEnv } from './lib/task-latency';

const pexec = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = path.join(ROOT, 'bin', 'flotilla.mjs');
const DOCKER = '/usr/local/bin/docker';
const NAME = process.env.BENCH_SCALE_NAME ?? `scale${process.pid % 1000}`;
const NODES = Number(process.env.BENCH_NODES ?? 20);
const MANAGERS = 3;
const TASKS = Number(process.env.BENCH_TASKS ?? 500);
const IDLE_S = Number(process.env.BENCH_IDLE_SECONDS ?? 120);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 60);
const SERVICES = 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (l: string): void => void process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${l}\n`);

interface Env {
  home: string;
  dockerConfig: string;
}
function cliEnv(s: Env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: s.home, DOCKER_CONFIG: s.dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER };
  for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[k];
  return env;
}
async function flotilla(s: Env, args: string[], timeout = 900_000): Promise<string> {
  try {
    return (await pexec(process.execPath, [BIN, ...args], { env: cliEnv(s), timeout, maxBuffer: 16 << 20 })).stdout;
  } catch (e) {
    const x = e as { stderr?: string; message: string };
    throw new Error(`flotilla ${args.join(' ')} failed: ${x.stderr || x.message}`);
  }
}
async function inMachine(machine: string, script: string, input?: string): Promise<string> {
  const p = pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', 'exec', ...(input !== undefined ? ['-i'] : []), containerName(machine), 'sh', '-c', script], { timeout: 180_000, maxBuffer: 64 << 20 });
  if (input !== undefined) p.child.stdin?.end(input);
  return (await p).stdout;
}
/** runs fn over the items, at most `n` at a time */
async function limited<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
async function cpuTicks(pid: number): Promise<number> {
  const f = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of the whole line)
}
async function rssMb(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+)/.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
/** dockerd's debug log on (or off again) without a restart: "debug" is reloaded on SIGHUP */
async function engineDebug(machine: string, on: boolean): Promise<void> {
  const cur = await inMachine(machine, 'cat /etc/docker/daemon.json 2>/dev/null || true');
  const cfg = (cur.trim() ? JSON.parse(cur) : {}) as Record<string, unknown>;
  if (on) cfg.debug = true;
  else delete cfg.debug;
  await inMachine(machine, 'cat > /etc/docker/daemon.json && kill -HUP $(pidof dockerd)', JSON.stringify(cfg, null, 2) + '\n');
}
/** the API requests an engine logged between two instants (epoch seconds), by "METHOD /path" without version and query */
async function requestsLogged(machine: string, from: number, to: number): Promise<string[]> {
  const out = await inMachine(machine, `journalctl -u docker -o cat --no-pager --since @${from} --until @${to} | grep -o 'msg="Calling [A-Z]* [^"]*' || true`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^msg="Calling /, '').replace(/\/v1\.\d+/, '').replace(/\?.*$/, ''));
}

async function main(): Promise<void> {
  const s: Env = { home: await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-scale-home-')), dockerConfig: await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-scale-dc-')) };
  const conns = new Map<string, EngineConnection>();
  let machines: string[] = [];
  let server: ServerChild | undefined;
  try {
    log(`flotilla swarm create ${NAME} --driver container --managers ${MANAGERS} --workers ${NODES - MANAGERS}`);
    const t0 = Date.now();
    const made = JSON.parse(await flotilla(s, ['--json', 'swarm', 'create', NAME, '--driver', 'container', '--managers', String(MANAGERS), '--workers', String(NODES - MANAGERS)])) as { managers: string[]; workers: string[] };
    const createSeconds = (Date.now() - t0) / 1000;
    machines = [...made.managers, ...made.workers];
    log(`made in ${createSeconds.toFixed(0)} s: ${machines.length} machines`);

    // the workload image in every engine, and TLS connections to each
    const store = new MachineStore(s.home);
    const addrOf = new Map<string, string>();
    const t1 = Date.now();
    await limited(machines, 4, async (m) => {
      await ensureNodeBusybox(containerName(m));
      const cfg = await store.load(m);
      if (!cfg.endpoint) throw new Error(`machine ${m} has no endpoint`);
      const tls = tlsFilesOf(store, cfg);
      const ep = cfg.endpoint;
      conns.set(m, await connectEngine({ kind: 'tcp', host: ep.docker.host, port: ep.docker.port, tls }, { timeoutMs: 10_000 }));
      addrOf.set(ep.ip, m);
    });
    log(`image imported and engines connected in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    const manager = conns.get(made.managers[0])!;

    // TASKS tasks in SERVICES services
    const t2 = Date.now();
    for (let i = 0; i < SERVICES; i++) {
      const replicas = Math.floor(TASKS / SERVICES) + (i < TASKS % SERVICES ? 1 : 0);
      await sw.createService(manager, { name: `load${i}`, image: BUSYBOX, args: ['sleep', '86400'], replicas, stopGracePeriod: '1s' });
    }
    let running = 0;
    for (let end = Date.now() + 1_200_000; Date.now() < end; ) {
      const tasks = (await manager.docker.listTasks({ filters: { 'desired-state': ['running'] } })) as RawTask[];
      running = tasks.filter((t) => t.Status?.State === 'running').length;
      if (running >= TASKS) break;
      log(`${running}/${TASKS} tasks running`);
      await sleep(10_000);
    }
    const tasksSeconds = (Date.now() - t2) / 1000;
    if (running < TASKS) throw new Error(`only ${running} of ${TASKS} tasks ran within 20 minutes`);
    log(`${running} tasks running after ${tasksSeconds.toFixed(0)} s`);

    // events at this size: the core's watcher on the whole swarm (every node's container events)
    const connectByAddr = async (n: { addr: string; hostname: string }): Promise<EngineConnection> => {
      const m = addrOf.get(n.addr) ?? n.hostname;
      const c = conns.get(m);
      if (!c) throw new Error(`no machine at ${n.addr}`);
      return c;
    };
    log(`events: ${CHANGES} task state changes`);
    const ev = await measureTaskLatency({
      manager,
      connectNode: connectByAddr,
      nodeEngines: machines.map((m) => async () => {
        const cfg = await store.load(m);
        return connectEngine({ kind: 'tcp', host: cfg.endpoint!.docker.host, port: cfg.endpoint!.docker.port, tls: tlsFilesOf(store, cfg) });
      }),
      image: BUSYBOX,
      want: CHANGES,
      watcherOptions: watcherOptionsFromEnv(),
      progress: (l) => process.stderr.write(`\r${l}`),
    });
    process.stderr.write('\n');
    // the bench's own connections go quiet: only the server talks to the engines from here on
    for (const c of conns.values()) await c.close().catch(() => undefined);
    conns.clear();

    // idle: `flotilla serve` watching the whole swarm
    server = new ServerChild(s);
    await server.subscribe(`machine:${made.managers[0]}`);
    for (let end = Date.now() + 300_000; ; ) {
      const m = server.model;
      const r = Object.values(m.tasks).filter((t) => t.state === 'running').length;
      if (Object.keys(m.nodes).length >= NODES && r >= TASKS) break;
      if (Date.now() > end) throw new Error(`the server's model shows ${Object.keys(m.nodes).length} nodes and ${r} running tasks after 5 minutes`);
      await sleep(1000);
    }
    log('the server has the whole swarm; engine debug logs on');
    // (the machines are removed at the end: nothing switches the logs off again)
    await limited(machines, 4, (m) => engineDebug(m, true));
    // let the server's settling polls (if any) and the reloads pass before the window opens
    await sleep(15_000);
    const pid = server.pid!;
    const hz = Number((await pexec('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
    log(`idle for ${IDLE_S} s`);
    const from = Math.ceil(Date.now() / 1000);
    const c0 = await cpuTicks(pid);
    const w0 = Date.now();
    const rss: number[] = [];
    while (Date.now() - w0 < IDLE_S * 1000) {
      rss.push(await rssMb(pid));
      await sleep(5000);
    }
    const cpu = ((await cpuTicks(pid)) - c0) / hz / ((Date.now() - w0) / 1000);
    const to = Math.floor(Date.now() / 1000);
    rss.push(await rssMb(pid));
    if (server.exited || server.ended) throw new Error(`the server stopped during the idle window: ${server.exited ?? server.ended}`);
    // what the server's watcher said (its last 4 kB of log): a loss noticed or a move explains requests beyond its cadence
    for (const l of server.output.split('\n').filter((x) => /swarm model/.test(x))) log(`server: ${l.trim()}`);
    const perMachine = await limited(machines, 4, (m) => requestsLogged(m, from, to));
    const minutes = (to - from) / 60;
    const byPath = new Map<string, number>();
    let beyond = 0;
    let streams = 0;
    const rows: string[] = [];
    machines.forEach((m, i) => {
      const reqs = perMachine[i];
      const ev2 = reqs.filter((r) => /\/events$/.test(r)).length;
      streams += ev2;
      const other = reqs.filter((r) => !/\/events$/.test(r));
      beyond += other.length;
      for (const r of other) byPath.set(r, (byPath.get(r) ?? 0) + 1);
      rows.push(`  ${m.padEnd(14)} ${String(other.length).padStart(5)} requests (${(other.length / minutes).toFixed(1)}/min)${ev2 ? `, ${ev2} event streams opened` : ''}`);
    });
    const perNodePerMin = beyond / machines.length / minutes;
    const idleCpuPercent = cpu * 100;
    const idleRssMb = Math.max(...rss);
    process.stdout.write(
      [
        `scale: ${machines.length} container machines (${MANAGERS} managers) made by one \`flotilla swarm create\` in ${createSeconds.toFixed(0)} s; ${TASKS} tasks running in ${tasksSeconds.toFixed(0)} s`,
        `  events at this size: p50 ${ev.p50} ms, p95 ${ev.p95} ms over ${ev.latencies.length} changes`,
        ...ev.breakdown,
        `  idle ${(to - from).toFixed(0)} s, \`flotilla serve\` watching the whole swarm: CPU ${idleCpuPercent.toFixed(2)} % of one core, RSS max ${idleRssMb.toFixed(0)} MB`,
        `  API requests the engines logged in that window beyond event streams: ${beyond} = ${perNodePerMin.toFixed(2)} per node per minute`,
        ...rows,
        `  by request: ${[...byPath.entries()].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(', ') || 'none'}`,
      ].join('\n') + '\n',
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'scale',
        nodes: machines.length,
        managers: MANAGERS,
        tasks: TASKS,
        createSeconds: Math.round(createSeconds),
        tasksSeconds: Math.round(tasksSeconds),
        eventsP50Ms: ev.p50,
        eventsP95Ms: ev.p95,
        idleSeconds: to - from,
        idleCpuPercent: Number(idleCpuPercent.toFixed(2)),
        idleRssMb: Math.round(idleRssMb),
        idleRequests: beyond,
        idleRequestsPerNodePerMin: Number(perNodePerMin.toFixed(2)),
        idleRequestsByPath: Object.fromEntries(byPath),
        eventStreamsOpenedInWindow: streams,
        targets: { createSeconds: 150, eventsP95Ms: 250, idleCpuPercent: 2, idleRssMb: 250, idleRequestsPerNodePerMin: 1 },
      }) + '\n',
    );
  } finally {
    await server?.stop().catch(() => undefined);
    for (const c of conns.values()) await c.close().catch(() => undefined);
    log(`removing swarm ${NAME}`);
    await flotilla(s, ['swarm', 'rm', '-y', NAME], 600_000).catch(async (e: Error) => {
      log(`swarm rm failed (${e.message}); removing the machines one by one`);
      const left = await new MachineStore(s.home).names().catch(() => machines);
      if (left.length) await flotilla(s, ['machine', 'rm', '-f', ...left], 600_000).catch((e2: Error) => log(`left behind: ${e2.message}`));
    });
    await fs.rm(s.home, { recursive: true, force: true });
    await fs.rm(s.dockerConfig, { recursive: true, force: true });
  }
}

await main().catch((e: unknown) => {
  process.stderr.write(`bench scale failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
