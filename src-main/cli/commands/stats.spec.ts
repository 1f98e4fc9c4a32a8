// `flotilla stats` text and JSON from a fixed sample: docker stats' columns (CLI 28 tabwriter: a column is its widest
// cell plus 3, at least 10) with NODE after NAME, docker's number formats, the issue's --json shape, and the filter.
import { describe, expect, it } from 'vitest';
import type { StatsSample, TaskStats } from '../../api/domains/stats';
import { only, statsJson, statsTable } from './stats';

const task = (over: Partial<TaskStats>): TaskStats => ({
  id: 'vca6j3no8qnsgamm86hbingu0',
  serviceId: 's1',
  service: 'burn',
  slot: 1,
  nodeId: 'n2',
  containerId: 'aa6350a3c8ea0123456789',
  name: 'burn.1.vca6j3no8qnsgamm86hbingu0',
  cpuPercent: 26.3612,
  memoryBytes: 331_776,
  memoryLimitBytes: 25_276_182_528,
  memoryPercent: 0.0013,
  netRxBytes: 1234,
  netTxBytes: 0,
  blockReadBytes: 4_096_000,
  blockWriteBytes: 0,
  pids: 1,
  sampled: true,
  ...over,
});

const sample: StatsSample = {
  at: 0,
  nodes: [
    { id: 'n1', hostname: 'flab-n1', cpus: 2, memoryTotalBytes: 25_276_182_528, cpuPercent: 0, memoryUsedBytes: 0, netRxBytes: 0, netTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, tasks: [] },
    {
      id: 'n2',
      hostname: 'flab-n2',
      cpus: 2,
      memoryTotalBytes: 25_276_182_528,
      cpuPercent: 26.3612,
      memoryUsedBytes: 331_776,
      netRxBytes: 0,
      netTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
      tasks: [task({}), task({ id: 'xyz', name: 'idle.3.xyz', service: 'idle', slot: 3, containerId: 'b35fa718eb78ffff', sampled: false, cpuPercent: 0 })],
    },
  ],
};

describe('flotilla stats output', () => {
  it("prints docker stats' table with a NODE column", () => {
    expect(statsTable(sample.nodes).split('\n')).toEqual([
      'CONTAINER ID   NAME                               NODE      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O       BLOCK I/O    PIDS',
      'aa6350a3c8ea   burn.1.vca6j3no8qnsgamm86hbingu0   flab-n2   26.36%    324KiB / 23.54GiB   0.00%     1.23kB / 0B   4.1MB / 0B   1',
      'b35fa718eb78   idle.3.xyz                         flab-n2   --        -- / --             --        --            --           --',
    ]);
    expect(statsTable(sample.nodes, true).split('\n')[1].startsWith('aa6350a3c8ea0123456789   burn.1.')).toBe(true);
  });

  it('--json has exactly the issue shape', () => {
    const j = statsJson(sample);
    expect(j).toEqual({
      nodes: [
        { hostname: 'flab-n1', cpuPercent: 0, memoryUsedBytes: 0, memoryTotalBytes: 25_276_182_528, tasks: [] },
        {
          hostname: 'flab-n2',
          cpuPercent: 26.3612,
          memoryUsedBytes: 331_776,
          memoryTotalBytes: 25_276_182_528,
          tasks: [
            { id: 'vca6j3no8qnsgamm86hbingu0', service: 'burn', slot: 1, cpuPercent: 26.3612, memoryBytes: 331_776 },
            { id: 'xyz', service: 'idle', slot: 3, cpuPercent: 0, memoryBytes: 331_776 },
          ],
        },
      ],
    });
  });

  it('arguments keep the tasks they name; a name that matches nothing is an error', () => {
    expect(only(sample, ['idle']).nodes[1].tasks.map((t) => t.name)).toEqual(['idle.3.xyz']);
    expect(only(sample, ['vca6']).nodes[1].tasks.map((t) => t.service)).toEqual(['burn']);
    expect(only(sample, ['burn.1.vca6j3no8qnsgamm86hbingu0', 'b35f']).nodes[1].tasks).toHaveLength(2);
    expect(only(sample, []).nodes[1].tasks).toHaveLength(2);
    expect(() => only(sample, ['burn', 'nosuch'])).toThrow('no running task of the swarm matches nosuch');
  });
});
