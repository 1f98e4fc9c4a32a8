// `npm run bench -- stats`: what live resources cost the engines, on the lab (FLOTILLA_LAB_NAME, default flab; the
// lab must be up). A service with BENCH_TASKS (6) sleeping replicas is spread over the nodes; one stats subscriber
// reads the swarm for BENCH_SECONDS (60); then it unsubscribes and the engines are watched for 10 s more.
// Printed: stats streams open per node, requests per node per minute (steady state, after the streams opened, and
// with the opening requests), manager requests per minute, engine samples per stream per minute, this process's
// CPU while reading, and what stays open or is asked after the subscriber left (must be 0). Ends with one JSON line.
import { labStatus } from '../src-main/core/lab';
import { connectEngine, parseEngineUrl } from '../src-main/core/engine';
import * as sw from '../src-main/core/swarm';
import type { StatsSample } from '../src-main/api/domains/stats';

const TASKS = Number(process.env.BENCH_TASKS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP_S = 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const labName = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  const nodes = await labStatus(labName);
  if (nodes.length === 0) throw new Error(`lab ${labName} is not running: start it with \`flotilla lab up --nodes 3 --name ${labName}\``);
  const ssh = (ip: string) => parseEngineUrl(`ssh://root@${ip}`, { sshKey: nodes[0].identity });
  await sw.createSwarm({
    managers: [{ name: nodes[0].name, connect: () => connectEngine(ssh(nodes[0].ip)), advertiseAddr: nodes[0].ip }],
    workers: nodes.slice(1).map((n) => ({ name: n.name, connect: () => connectEngine(ssh(n.ip)), advertiseAddr: n.ip })),
  });
  const manager = await connectEngine(ssh(nodes[0].ip));
  const pool = sw.pooledConnector((n) => connectEngine(ssh(n.addr)));
  const cluster = { manager, connectNode: pool.connectNode };
  const name = `bench-stats-${Date.now().toString(36)}`;
  const { id } = await sw.createService(manager, { name, image: 'flotilla-lab/busybox:latest', args: ['sleep', '3600'], replicas: TASKS, stopGracePeriod: '1s' });
  const meter = new sw.StatsMeter();
  const ac = new AbortController();
  let last: StatsSample | undefined;
  let emitted = 0;
  try {
    // wait until every replica runs, so the window measures a steady swarm
    for (let i = 0; i < 240; i++) {
      const running = (await sw.listTasks(manager, { serviceId: id })).filter((t) => t.state === 'running').length;
      if (running === TASKS) break;
      await sleep(500);
    }
    const started = Date.now();
    const done = sw.watchSwarmStats(cluster, { stream: true, signal: ac.signal, meter }, (s) => {
      last = s;
      emitted++;
    });
    await sleep(WARMUP_S * 1000);
    const warmNode = new Map(meter.nodeRequests);
    const warmManager = meter.managerRequests;
    const warmSamples = sum(meter.samples);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    while (Date.now() - started < SECONDS * 1000) {
      await sleep(1000);
      process.stderr.write(`\r${Math.round((Date.now() - started) / 1000)}/${SECONDS} s, ${meter.totalOpen()} streams open`);
    }
    process.stderr.write('\n');
    const minutes = (Date.now() - t0) / 60_000;
    const cpu = process.cpuUsage(cpu0);
    const nodeCount = last?.nodes.length || nodes.length;
    const steadyNodeRequests = sum(meter.nodeRequests) - sum(warmNode);
    const streams = sum(meter.maxStreams);
    const perNode = Object.fromEntries(
      (last?.nodes ?? []).map((n) => [
        n.hostname,
        { streams: meter.maxStreams.get(n.id) ?? 0, requests: meter.nodeRequests.get(n.id) ?? 0, samplesPerMinute: Math.round(((meter.samples.get(n.id) ?? 0) / ((Date.now() - started) / 60_000)) * 10) / 10 },
      ]),
    );
    ac.abort();
    await done;
    // the subscriber is gone: nothing stays open, nothing more is asked
    const afterNode = sum(meter.nodeRequests);
    const afterManager = meter.managerRequests;
    await sleep(10_000);
    const result = {
      bench: 'stats',
      nodes: nodeCount,
      tasks: TASKS,
      seconds: SECONDS,
      streamsPerNode: Math.round((streams / nodeCount) * 100) / 100,
      requestsPerNodePerMinute: Math.round((steadyNodeRequests / nodeCount / minutes) * 100) / 100,
      openingRequestsPerNode: Math.round((sum(warmNode) / nodeCount) * 100) / 100,
      managerRequestsPerMinute: Math.round(((meter.managerRequests - warmManager) / minutes) * 10) / 10,
      samplesPerStreamPerMinute: streams ? Math.round(((sum(meter.samples) - warmSamples) / streams / minutes) * 10) / 10 : 0,
      emittedPerMinute: Math.round((emitted / ((Date.now() - started) / 60_000)) * 10) / 10,
      readerCpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / (minutes * 60_000)) * 10000) / 100,
      streamsOpenAfterUnsubscribe: meter.totalOpen(),
      requestsAfterUnsubscribe: sum(meter.nodeRequests) - afterNode + (meter.managerRequests - afterManager),
      perNode,
    };
    process.stdout.write(
      [
        `stats streams per node:            ${result.streamsPerNode} (one per running task container; ${TASKS} tasks on ${nodeCount} nodes)`,
        `requests per node per minute:      ${result.requestsPerNodePerMinute} in steady state (streams stay open); ${result.openingRequestsPerNode} per node to open them`,
        `manager requests per minute:       ${result.managerRequestsPerMinute} (task listing every 5 s, names every 60 s)`,
        `engine samples per stream/minute:  ${result.samplesPerStreamPerMinute}`,
        `reader CPU (this process):         ${result.readerCpuPercentOfOneCore}% of one core`,
        `after unsubscribe:                 ${result.streamsOpenAfterUnsubscribe} streams open, ${result.requestsAfterUnsubscribe} requests in 10 s`,
        JSON.stringify(result),
      ].join('\n') + '\n',
    );
  } finally {
    ac.abort();
    await sw.removeService(manager, id).catch(() => undefined);
    await pool.close();
    await manager.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench stats failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
