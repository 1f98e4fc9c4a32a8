// The arithmetic of `docker stats` (docker CLI 28 stats_helpers.go), on engine-shaped samples.
import { describe, expect, it } from 'vitest';
import { cpuPercent, figures, memoryUsed, type RawStats } from './stats-math';
import { buildSample, taskContainerName } from './stats';

const cpu = (total: number, system: number, online?: number, percpu?: number[]) => ({ cpu_usage: { total_usage: total, ...(percpu ? { percpu_usage: percpu } : {}) }, system_cpu_usage: system, ...(online !== undefined ? { online_cpus: online } : {}) });

describe('cpuPercent: cpu_delta / system_delta * online_cpus * 100', () => {
  it('one CPU of two busy for the whole interval is 100%', () => {
    // 1 s of container CPU time while the host's two CPUs ran 2 s in all
    expect(cpuPercent({ cpu_stats: cpu(3e9, 10e9, 2), precpu_stats: cpu(2e9, 8e9, 2) })).toBeCloseTo(100, 10);
  });
  it('both CPUs busy is 200%, a quarter of one is 12.5% of two', () => {
    expect(cpuPercent({ cpu_stats: cpu(4e9, 10e9, 2), precpu_stats: cpu(2e9, 8e9, 2) })).toBeCloseTo(200, 10);
    expect(cpuPercent({ cpu_stats: cpu(2.25e8, 4e9, 4), precpu_stats: cpu(0, 0, 4) })).toBeCloseTo(22.5, 10);
  });
  it('without online_cpus the per-CPU list length counts the CPUs (older engines)', () => {
    expect(cpuPercent({ cpu_stats: cpu(3e9, 10e9, 0, [1, 2, 3, 4]), precpu_stats: cpu(2e9, 8e9) })).toBeCloseTo(200, 10);
  });
  it('no delta (first sample, idle container, counters going back) is 0', () => {
    expect(cpuPercent({ cpu_stats: cpu(2e9, 8e9, 2), precpu_stats: cpu(2e9, 8e9, 2) })).toBe(0);
    expect(cpuPercent({ cpu_stats: cpu(1e9, 9e9, 2), precpu_stats: cpu(2e9, 8e9, 2) })).toBe(0);
    expect(cpuPercent({})).toBe(0);
  });
});

describe('memory, network, block I/O, pids as docker stats reads them', () => {
  it('memory used leaves out inactive_file (cgroup v2) or total_inactive_file (v1)', () => {
    expect(memoryUsed({ memory_stats: { usage: 10_000, stats: { inactive_file: 3000 } } })).toBe(7000);
    expect(memoryUsed({ memory_stats: { usage: 10_000, stats: { total_inactive_file: 4000, inactive_file: 3000 } } })).toBe(6000);
    // a cache larger than the usage is not subtracted
    expect(memoryUsed({ memory_stats: { usage: 1000, stats: { inactive_file: 3000 } } })).toBe(1000);
    expect(memoryUsed({ memory_stats: { usage: 1000 } })).toBe(1000);
  });
  it('figures: sums networks and read/write block ops, MEM % of the limit', () => {
    const s: RawStats = {
      cpu_stats: cpu(3e9, 10e9, 2),
      precpu_stats: cpu(2.5e9, 8e9, 2),
      memory_stats: { usage: 2 * 2 ** 20, limit: 8 * 2 ** 20, stats: { inactive_file: 0 } },
      networks: { eth0: { rx_bytes: 100, tx_bytes: 10 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: { io_service_bytes_recursive: [{ op: 'read', value: 4096 }, { op: 'write', value: 512 }, { op: 'Read', value: 4096 }, { op: 'Write', value: 1 }, { op: 'sync', value: 999 }, { op: '', value: 7 }] },
      pids_stats: { current: 3 },
    };
    expect(figures(s)).toEqual({ cpuPercent: 50, memoryBytes: 2 * 2 ** 20, memoryLimitBytes: 8 * 2 ** 20, memoryPercent: 25, netRxBytes: 101, netTxBytes: 12, blockReadBytes: 8192, blockWriteBytes: 513, pids: 3 });
    expect(figures({ blkio_stats: { io_service_bytes_recursive: null } }).blockReadBytes).toBe(0);
    expect(figures({}).memoryPercent).toBe(0);
  });
});

describe('a sample: nodes sum their tasks', () => {
  it('per node: the sums of its running tasks, the node CPUs and memory from its description', () => {
    const node = (id: string, hostname: string) => ({ ID: id, Description: { Hostname: hostname, Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 2 ** 30 } } });
    const nodes = new Map([['n2', node('n2', 'b')], ['n1', node('n1', 'a')]]);
    const task = (id: string, nodeId: string, slot: number, service = 'web') => ({
      task: { ID: id, NodeID: nodeId, Slot: slot, CreatedAt: '', UpdatedAt: '', ServiceID: 's1', DesiredState: 'running', Status: { State: 'running', ContainerStatus: { ContainerID: `c-${id}` } } },
      containerId: `c-${id}`,
      service,
      serviceId: 's1',
      node: nodes.get(nodeId)!,
    });
    const f = (cpuPct: number, mem: number) => ({ cpuPercent: cpuPct, memoryBytes: mem, memoryLimitBytes: 4 * 2 ** 30, memoryPercent: 0, netRxBytes: 1, netTxBytes: 2, blockReadBytes: 3, blockWriteBytes: 4, pids: 1 });
    const latest = new Map([['c-t1', f(50, 100)], ['c-t2', f(25.5, 50)], ['c-t3', f(10, 7)]]);
    const s = buildSample(nodes, [task('t2', 'n1', 2), task('t1', 'n1', 1), task('t3', 'n2', 0), task('t4', 'n2', 3)], (id) => latest.get(id), new Map([['n2', 'gone']]));
    expect(s.nodes.map((n) => n.hostname)).toEqual(['a', 'b']);
    expect(s.nodes[0]).toMatchObject({ cpus: 2, memoryTotalBytes: 4 * 2 ** 30, cpuPercent: 75.5, memoryUsedBytes: 150, netRxBytes: 2, blockWriteBytes: 8 });
    expect(s.nodes[0].tasks.map((t) => [t.id, t.slot, t.name])).toEqual([['t1', 1, 'web.1.t1'], ['t2', 2, 'web.2.t2']]);
    // a task without a sample yet counts as zero and says so
    expect(s.nodes[1]).toMatchObject({ cpuPercent: 10, memoryUsedBytes: 7, error: 'gone' });
    expect(s.nodes[1].tasks.find((t) => t.id === 't4')).toMatchObject({ sampled: false, cpuPercent: 0 });
    expect(s.nodes[1].tasks.find((t) => t.id === 't3')?.name).toBe('web.n2.t3');
  });
  it('container names follow swarm: service.slot.task, service.node.task for global tasks', () => {
    expect(taskContainerName('web', 3, 'nodeid', 'taskid')).toBe('web.3.taskid');
    expect(taskContainerName('agent', 0, 'nodeid', 'taskid')).toBe('agent.nodeid.taskid');
  });
});
