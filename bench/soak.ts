// `npm run bench -- soak [--minutes N]` (default 10; not run in CI): continuous scale up/down, drains and updates on the
// lab's swarm (FLOTILLA_LAB_NAME, default flab; `flotilla lab up --nodes 3` first, and `npm run build`) while
// `flotilla serve` keeps the live model over a WebSocket. Once a minute the changes pause, and the server's model is
// compared with a fresh snapshot read from the manager (drift: must be none) and the server's RSS is read (growth after
// the first minute's warm-up must stay under 10 %). Ends with one JSON line.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labStatus } from '../src-main/core/lab';
import { connectEngine, parseEngineUrl } from '../src-main/core/engine';
import * as sw from '../src-main/core/swarm';
import { BUSYBOX, ServerChild, drift, freshSnapshot, healthy, type DrillSwarm } from '../test/support/fault-drills';

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : d;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} takes a positive number`);
  return v;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (l: string): void => void process.stderr.write(`[soak] ${l}\n`);

async function rssKiB(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+)/.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  const minutes = arg('minutes', 10);
  const everyMs = arg('compare-every', 60) * 1000;
  const labName = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  const nodes = await labStatus(labName);
  if (nodes.length < 2) throw new Error(`lab ${labName} is not running with 2+ nodes: start it with \`flotilla lab up --nodes 3 --name ${labName}\``);
  const ssh = (ip: string) => parseEngineUrl(`ssh://root@${ip}`, { sshKey: nodes[0].identity });
  await sw.createSwarm({
    managers: [{ name: nodes[0].name, connect: () => connectEngine(ssh(nodes[0].ip)), advertiseAddr: nodes[0].ip }],
    workers: nodes.slice(1).map((n) => ({ name: n.name, connect: () => connectEngine(ssh(n.ip)), advertiseAddr: n.ip })),
  });
  const manager = await connectEngine(ssh(nodes[0].ip));
  const s: DrillSwarm = { name: labName, home: await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-soak-home-')), dockerConfig: await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-soak-dc-')), managers: [nodes[0].name], workers: [], conns: new Map([[nodes[0].name, manager]]), ips: new Map() };
  const name = `soak-${Date.now().toString(36)}`;
  const { id } = await sw.createService(manager, { name, image: BUSYBOX, args: ['sleep', '86400'], replicas: 2, stopGracePeriod: '1s', updateParallelism: 2 });
  const server = new ServerChild(s);
  const checks: Array<{ minute: number; drift: string[]; rssKiB: number; actions: number }> = [];
  let actions = 0;
  try {
    await server.subscribe(`lab:${nodes[0].name}`);
    const end = Date.now() + minutes * 60_000;
    let nextCheck = Date.now() + everyMs;
    const worker = nodes[1].name;
    let i = 0;
    while (Date.now() < end) {
      // one change at a time, in turn: scale, drain and activate a worker, update (a new env value rolls every task)
      const step = i++ % 4;
      if (step === 0) await sw.scaleService(manager, id, 1 + ((i * 7) % 6));
      else if (step === 1) await sw.setAvailability(manager, worker, 'drain');
      else if (step === 2) await sw.setAvailability(manager, worker, 'active');
      else await sw.updateService(manager, id, { envAdd: [`SOAK=${i}`] });
      actions++;
      await sleep(3000);
      if (Date.now() >= nextCheck || Date.now() >= end) {
        // quiet the swarm, then the server's model must equal a fresh snapshot
        await sw.setAvailability(manager, worker, 'active');
        let last: string[] = [];
        const until = Date.now() + 60_000;
        for (;;) {
          const fresh = await freshSnapshot(s);
          last = drift(server.model, fresh.model);
          if ((last.length === 0 && healthy(fresh.model)) || Date.now() > until) break;
          await sleep(1000);
        }
        const rss = server.pid ? await rssKiB(server.pid) : NaN;
        const minute = Math.round((Date.now() - (end - minutes * 60_000)) / 60_000);
        checks.push({ minute, drift: last, rssKiB: rss, actions });
        log(`minute ${minute}: ${actions} changes, drift ${last.length ? last.join(', ') : 'none'}, server RSS ${(rss / 1024).toFixed(1)} MiB`);
        nextCheck = Date.now() + everyMs;
      }
      if (server.exited || server.ended) throw new Error(`the server stopped: ${server.exited ?? server.ended}`);
    }
  } finally {
    await sw.setAvailability(manager, nodes[1].name, 'active').catch(() => undefined);
    await sw.removeService(manager, id).catch(() => undefined);
    await server.stop();
    await manager.close();
    await fs.rm(s.home, { recursive: true, force: true });
    await fs.rm(s.dockerConfig, { recursive: true, force: true });
  }
  const warm = checks[0]?.rssKiB ?? NaN;
  const last = checks.at(-1)?.rssKiB ?? NaN;
  const growth = checks.length > 1 ? (last - warm) / warm : 0;
  const drifted = checks.filter((c) => c.drift.length > 0);
  process.stdout.write(
    [
      `soak: ${minutes} min on lab ${labName}, ${actions} changes (scale, drain, activate, update), ${checks.length} comparisons`,
      `  drift: ${drifted.length ? drifted.map((c) => `minute ${c.minute}: ${c.drift.join(', ')}`).join('; ') : 'none'}`,
      `  server RSS: ${(warm / 1024).toFixed(1)} MiB after warm-up -> ${(last / 1024).toFixed(1)} MiB (${(growth * 100).toFixed(1)} %, target < 10 %)`,
    ].join('\n') + '\n',
  );
  process.stdout.write(JSON.stringify({ bench: 'soak', minutes, actions, comparisons: checks.length, drift: drifted.length > 0, rssWarmKiB: warm, rssLastKiB: last, rssGrowth: growth, rssGrowthTarget: 0.1 }) + '\n');
  if (drifted.length) process.exitCode = 1;
}

await main().catch((e: unknown) => {
  process.stderr.write(`bench soak failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
