// `flotilla stats`: `docker stats` across the swarm, one row per running task with the node it runs on.
// Subscribes to the host's `swarm.stats` (host/handlers/stats.ts) on the engine the global flags name, as the window
// does, so the samples are the contract's, validated the same way.
import type { Command } from 'commander';
import type { NodeStats, StatsSample } from '../../api/domains/stats';
import { FlotillaError } from '../../api/errors';
import { action, globals, output, withHost } from '../context';
import { bytesSize, humanSize, percent } from '../docker-units';

interface StatsFlags {
  stream?: boolean;
  trunc?: boolean;
}

/** The `--json` shape the issue fixes: nodes with their sums, tasks with their figures. */
export function statsJson(s: StatsSample): { nodes: Array<{ hostname: string; cpuPercent: number; memoryUsedBytes: number; memoryTotalBytes: number; tasks: Array<{ id: string; service: string; slot: number; cpuPercent: number; memoryBytes: number }> }> } {
  return {
    nodes: s.nodes.map((n) => ({
      hostname: n.hostname,
      cpuPercent: n.cpuPercent,
      memoryUsedBytes: n.memoryUsedBytes,
      memoryTotalBytes: n.memoryTotalBytes,
      tasks: n.tasks.map((t) => ({ id: t.id, service: t.service, slot: t.slot, cpuPercent: t.cpuPercent, memoryBytes: t.memoryBytes })),
    })),
  };
}

/** docker stats' table (docker CLI 28 columns and number formats) with a NODE column after NAME. */
export function statsTable(nodes: NodeStats[], noTrunc = false): string {
  const rows = nodes.flatMap((n) =>
    n.tasks.map((t) => {
      const id = noTrunc ? t.containerId : t.containerId.slice(0, 12);
      if (!t.sampled) return [id, t.name, n.hostname, '--', '-- / --', '--', '--', '--', '--'];
      return [
        id,
        t.name,
        n.hostname,
        percent(t.cpuPercent),
        `${bytesSize(t.memoryBytes)} / ${bytesSize(t.memoryLimitBytes)}`,
        percent(t.memoryPercent),
        `${humanSize(t.netRxBytes)} / ${humanSize(t.netTxBytes)}`,
        `${humanSize(t.blockReadBytes)} / ${humanSize(t.blockWriteBytes)}`,
        String(t.pids),
      ];
    }),
  );
  return tabwriter(['CONTAINER ID', 'NAME', 'NODE', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'], rows);
}

/** docker stats' tabwriter (minwidth 10, padding 3): a column is its widest cell plus 3, at least 10; the last one unpadded. */
function tabwriter(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(10, ...all.map((r) => r[i].length + 3)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('')).join('\n');
}

/**
 * Keeps the tasks named by the arguments (service name, task ID prefix, or container name or ID prefix); all without
 * arguments. A name that matches no running task is an error, as `docker stats NAME` says "No such container".
 */
export function only(s: StatsSample, refs: string[]): StatsSample {
  if (!refs.length) return s;
  const matches = (t: NodeStats['tasks'][number], r: string): boolean => t.service === r || t.name === r || t.id.startsWith(r) || t.containerId.startsWith(r);
  const tasks = s.nodes.flatMap((n) => n.tasks);
  const missing = refs.filter((r) => !tasks.some((t) => matches(t, r)));
  if (missing.length) throw new FlotillaError('NOT_FOUND', `no running task of the swarm matches ${missing.join(', ')}: name a service, a task ID or a container name (\`flotilla service ps SERVICE\` lists them)`);
  return { ...s, nodes: s.nodes.map((n) => ({ ...n, tasks: n.tasks.filter((t) => refs.some((r) => matches(t, r))) })) };
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description("live CPU, memory, network and block I/O of every running task of the swarm, as `docker stats`, with the node each runs on; Ctrl-C to stop")
    .argument('[task...]', 'only these services, tasks (ID prefix) or containers (name)')
    .option('--no-stream', 'take one sample and print it')
    .option('--no-trunc', 'do not truncate container IDs')
    .action(
      action(async (refs: string[], o: StatsFlags, cmd: Command) => {
        const json = globals(cmd).json;
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        const tty = process.stdout.isTTY;
        try {
          await withHost(cmd, (host, engineId) =>
            host.subscribe(
              'swarm.stats',
              { engineId, stream: o.stream !== false, intervalMs: 1000 },
              (raw: StatsSample) => {
                const s = only(raw, refs);
                for (const n of s.nodes) if (n.error) process.stderr.write(`warning: ${n.error}\n`);
                if (o.stream === false) return output(cmd, statsJson(s), () => statsTable(s.nodes, o.trunc === false));
                if (json) return void process.stdout.write(JSON.stringify(statsJson(s)) + '\n');
                // as docker stats: the table redrawn in place on a terminal, one table after another otherwise
                process.stdout.write((tty ? '\x1b[2J\x1b[H' : '') + statsTable(s.nodes, o.trunc === false) + '\n' + (tty ? '' : '\n'));
              },
              { signal: ac.signal },
            ),
          );
        } finally {
          process.off('SIGINT', stop);
        }
      }),
    );
}
