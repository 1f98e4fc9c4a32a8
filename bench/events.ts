// `npm run bench -- events`: time from a task state change on the engine (the task's Status.Timestamp,
// set by the engine when the state changes) to that change arriving in the core's cluster model, over
// at least 100 changes on the lab (FLOTILLA_LAB_NAME, default flab; the lab must be up). The service is
// scaled up and down to make the changes. Printed beside the Docker Swarm Visualizer's 5 s poll, with a
// breakdown of where the time goes (bench/lib/task-latency.ts). BENCH_SETTLE_MS tries another settling-poll period,
// BENCH_ECHO_MS another delay for the second listing after a task's event (WatcherOptions.echoMs), BENCH_ECHO_AGAIN_MS
// for the third (echoAgainMs; 0: none).
import { labStatus } from '../src-main/core/lab';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../src-main/core/engine';
import * as sw from '../src-main/core/swarm';
import { measureTaskLatency, pct, watcherOptionsFromEnv } from './lib/task-latency';

const VISUALIZER_POLL_MS = 5000;
const WANT = Number(process.env.BENCH_CHANGES ?? 100);

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
  let r;
  try {
    r = await measureTaskLatency({
      manager,
      connectNode: pool.connectNode,
      nodeEngines: nodes.map((n) => () => connectEngine(ssh(n.ip))),
      image: 'flotilla-lab/busybox:latest',
      want: WANT,
      watcherOptions: watcherOptionsFromEnv(),
      progress: (l) => process.stderr.write(`\r${l}`),
    });
    process.stderr.write('\n');
  } finally {
    await pool.close();
    await manager.close();
  }
  const { p50, p95 } = r;
  const ratio = (v: number): string => `${(VISUALIZER_POLL_MS / Math.max(v, 1)).toFixed(1)}x`;
  const lines = [
    `events: engine task state change -> Flotilla cluster model, ${r.latencies.length} changes on lab ${labName} (${nodes.length} nodes)`,
    `  p50 ${p50} ms    (Swarm Visualizer polls every ${VISUALIZER_POLL_MS} ms: ${ratio(p50)} shorter)`,
    `  p95 ${p95} ms    (${ratio(p95)} shorter than the ${VISUALIZER_POLL_MS} ms poll)`,
    `  by state (p50 ms): ${[...r.byState.entries()].map(([s, xs]) => `${s} ${pct(xs, 50)} (n=${xs.length})`).join(', ')}`,
    ...r.breakdown,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.stdout.write(
    JSON.stringify({
      bench: 'events',
      nodes: nodes.length,
      changes: r.latencies.length,
      p50Ms: p50,
      p95Ms: p95,
      targetP95Ms: 100,
      visualizerPollMs: VISUALIZER_POLL_MS,
      ratioP50: VISUALIZER_POLL_MS / Math.max(p50, 1),
      ratioP95: VISUALIZER_POLL_MS / Math.max(p95, 1),
      meanWaitingMs: r.mean.waitingMs,
      meanListingMs: r.mean.listingMs,
      meanFoldMs: r.mean.foldMs,
    }) + '\n',
  );
}

await main().catch((e: unknown) => {
  process.stderr.write(`bench events failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
