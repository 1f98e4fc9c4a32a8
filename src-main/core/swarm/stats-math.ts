// The arithmetic of `docker stats`, from one sample of the engine's GET /containers/{id}/stats: the same
// formulas as docker CLI 28 (cli/command/container/stats_helpers.go); its text is the CLI's (cli/docker-units.ts).
// Hand-written because these are a few lines each and must match the docker CLI exactly, not a library's idea.

/** The part of an engine stats sample these figures read (Linux containers; cgroup v1 or v2). */
export interface RawStats {
  read?: string;
  preread?: string;
  pids_stats?: { current?: number };
  cpu_stats?: RawCpu;
  precpu_stats?: RawCpu;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
}
interface RawCpu {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ContainerFigures {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/**
 * CPU % as docker prints it: (container CPU time delta / host CPU time delta) * online CPUs * 100, between the
 * sample and the engine's previous one (precpu_stats). 100% is one CPU busy; a container may use up to CPUs * 100%.
 */
export function cpuPercent(s: RawStats): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  let online = s.cpu_stats?.online_cpus ?? 0;
  if (online === 0) online = s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** Memory used without the page cache that can be dropped: usage minus inactive_file (cgroup v2) or total_inactive_file (v1). */
export function memoryUsed(s: RawStats): number {
  const usage = s.memory_stats?.usage ?? 0;
  const st = s.memory_stats?.stats ?? {};
  const v1 = st.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = st.inactive_file ?? 0;
  if (v2 < usage) return usage - v2;
  return usage;
}

export function figures(s: RawStats): ContainerFigures {
  const memoryBytes = memoryUsed(s);
  const memoryLimitBytes = s.memory_stats?.limit ?? 0;
  let netRxBytes = 0;
  let netTxBytes = 0;
  for (const n of Object.values(s.networks ?? {})) {
    netRxBytes += n.rx_bytes ?? 0;
    netTxBytes += n.tx_bytes ?? 0;
  }
  let blockReadBytes = 0;
  let blockWriteBytes = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '')[0];
    if (op === 'r' || op === 'R') blockReadBytes += e.value ?? 0;
    else if (op === 'w' || op === 'W') blockWriteBytes += e.value ?? 0;
  }
  return {
    cpuPercent: cpuPercent(s),
    memoryBytes,
    memoryLimitBytes,
    memoryPercent: memoryLimitBytes ? (memoryBytes / memoryLimitBytes) * 100 : 0,
    netRxBytes,
    netTxBytes,
    blockReadBytes,
    blockWriteBytes,
    pids: s.pids_stats?.current ?? 0,
  };
}
