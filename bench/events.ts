// `npm run bench -- events`: time from a task state change on the engine (the task's Status.Timestamp,
// set by the engine when the state changes) to that change arriving in the core's cluster model, over
// at least 100 changes on the lab (FLOTILLA_LAB_NAME, default flab; the lab must be up). The service is
// scaled up and down to make the changes. Printed beside the Docker Swarm Visualizer's 5 s poll.
import { labStatus } from '../src-main/core/lab';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../src-main/core/engine';
import * as sw from '../src-main/core/swarm';
import type { ModelEvent } from '../src-main/api/domains/swarm';

const VISUALIZER_POLL_MS = 5000;
const WANT = Number(process.env.BENCH_CHANGES ?? 100);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

async function main(): Promise<void> {
  const labName = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  const nodes = await labStatus(labName);
  if (nodes.length === 0) throw new Error(`lab ${labName} is not running: start it with \`flotilla lab up --nodes 3 --name ${labName}\``);
  const ssh = (ip: string) => parseEngineUrl(`ssh://root@${ip}`, { sshKey: nodes[0].identity });
  // make sure the lab is a swarm (idempotent)
  await sw.createSwarm({
    managers: [{ name: nodes[0].name, connect: () => connectEngine(ssh(nodes[0].ip)), advertiseAddr: nodes[0].ip }],
    workers: nodes.slice(1).map((n) => ({ name: n.name, connect: () => connectEngine(ssh(n.ip)), advertiseAddr: n.ip })),
  });
  const manager: EngineConnection = await connectEngine(ssh(nodes[0].ip));
  const pool = sw.pooledConnector((n) => connectEngine(ssh(n.addr)));
  const cluster = { manager, connectNode: pool.connectNode };
  const name = `bench-events-${Date.now().toString(36)}`;
  const { id } = await sw.createService(manager, { name, image: 'flotilla-lab/busybox:latest', args: ['sleep', '3600'], replicas: 1, stopGracePeriod: '1s' });
  const watcher = new sw.ClusterWatcher(cluster);
  const seen = new Map<string, string>();
  const latencies: number[] = [];
  const byState = new Map<string, number[]>();
  try {
    await watcher.start();
    watcher.subscribe((e: ModelEvent) => {
      if (e.type !== 'diff') return;
      const now = Date.now();
      for (const c of e.changes) {
        if (c.op !== 'upsert' || c.kind !== 'task' || c.value.serviceId !== id) continue;
        if (seen.get(c.value.id) === c.value.state) continue;
        const first = !seen.has(c.value.id);
        seen.set(c.value.id, c.value.state);
        if (first && c.value.state === 'new') continue;
        const at = Date.parse(c.value.timestamps.status);
        if (!Number.isFinite(at)) continue;
        const ms = now - at;
        latencies.push(ms);
        (byState.get(c.value.state) ?? byState.set(c.value.state, []).get(c.value.state)!).push(ms);
      }
    });
    let replicas = 1;
    const started = Date.now();
    while (latencies.length < WANT && Date.now() - started < 600_000) {
      replicas = replicas === 1 ? 4 : 1;
      await sw.scaleService(manager, id, replicas);
      // wait until the model settles on the new count
      const end = Date.now() + 60_000;
      while (Date.now() < end) {
        const s = watcher.model().services[id];
        const pending = Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.desiredState !== t.state && !['shutdown', 'complete', 'failed', 'rejected'].includes(t.state));
        if (s && s.replicas.running === replicas && pending.length === 0) break;
        await sleep(100);
      }
      process.stderr.write(`\r${latencies.length}/${WANT} changes`);
    }
    process.stderr.write('\n');
  } finally {
    watcher.stop();
    await sw.removeService(manager, id).catch(() => undefined);
    await pool.close();
    await manager.close();
  }
  if (latencies.length === 0) throw new Error('no task state change reached the model');
  // the issue asks for p50/p95 over at least WANT changes: fewer is a failed run, not a smaller sample
  if (latencies.length < WANT) throw new Error(`only ${latencies.length} of ${WANT} task state changes reached the model in time: is the lab loaded or a node down? (flotilla lab status)`);
  const p50 = pct(latencies, 50);
  const p95 = pct(latencies, 95);
  const ratio = (v: number): string => `${(VISUALIZER_POLL_MS / Math.max(v, 1)).toFixed(1)}x`;
  const lines = [
    `events: engine task state change -> Flotilla cluster model, ${latencies.length} changes on lab ${labName} (${nodes.length} nodes)`,
    `  p50 ${p50} ms    (Swarm Visualizer polls every ${VISUALIZER_POLL_MS} ms: ${ratio(p50)} shorter)`,
    `  p95 ${p95} ms    (${ratio(p95)} shorter than the ${VISUALIZER_POLL_MS} ms poll)`,
    `  by state (p50 ms): ${[...byState.entries()].map(([s, xs]) => `${s} ${pct(xs, 50)} (n=${xs.length})`).join(', ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.stdout.write(JSON.stringify({ bench: 'events', changes: latencies.length, p50Ms: p50, p95Ms: p95, visualizerPollMs: VISUALIZER_POLL_MS, ratioP50: VISUALIZER_POLL_MS / Math.max(p50, 1), ratioP95: VISUALIZER_POLL_MS / Math.max(p95, 1) }) + '\n');
}

await main().catch((e: unknown) => {
  process.stderr.write(`bench events failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
