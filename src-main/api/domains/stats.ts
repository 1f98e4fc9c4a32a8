// Live resources: CPU, memory, network and block I/O of every node and running task of a swarm, read from the
// engines' own stats streams (GET /containers/{id}/stats) while someone subscribes, and from nothing otherwise.
import { z } from 'zod';
import { stream } from '../kit';

export const TaskStats = z.object({
  id: z.string(),
  serviceId: z.string(),
  service: z.string(),
  /** replicated: the slot; global: 0 */
  slot: z.number(),
  nodeId: z.string(),
  containerId: z.string(),
  /** the container's name as swarm makes it: service.slot.taskid (global: service.nodeid.taskid) */
  name: z.string(),
  /** as `docker stats`: 100 is one CPU busy */
  cpuPercent: z.number(),
  /** used memory without the inactive page cache, as `docker stats` */
  memoryBytes: z.number(),
  /** the container's memory limit (the node's memory when it has none) */
  memoryLimitBytes: z.number(),
  memoryPercent: z.number(),
  netRxBytes: z.number(),
  netTxBytes: z.number(),
  blockReadBytes: z.number(),
  blockWriteBytes: z.number(),
  pids: z.number(),
  /** false until the engine sent its first sample for this container */
  sampled: z.boolean(),
});
export type TaskStats = z.infer<typeof TaskStats>;

export const NodeStats = z.object({
  id: z.string(),
  hostname: z.string(),
  /** the node's CPUs and memory as its engine reports them (swarm node description) */
  cpus: z.number(),
  memoryTotalBytes: z.number(),
  /** the sum of its running tasks' CPU % (as `docker stats` summed): up to cpus * 100 */
  cpuPercent: z.number(),
  /** the sum of its running tasks' used memory */
  memoryUsedBytes: z.number(),
  netRxBytes: z.number(),
  netTxBytes: z.number(),
  blockReadBytes: z.number(),
  blockWriteBytes: z.number(),
  tasks: z.array(TaskStats),
  /** why this node's figures are missing or partial (its engine cannot be reached) */
  error: z.string().optional(),
});
export type NodeStats = z.infer<typeof NodeStats>;

export const StatsSample = z.object({ at: z.number(), nodes: z.array(NodeStats) });
export type StatsSample = z.infer<typeof StatsSample>;

export const statsContract = {
  'swarm.stats': stream(
    'live CPU %, memory, network and block I/O of every node and running task, from the engines\' stats streams (open only while subscribed); stream: false takes one sample',
    z
      .object({
        engineId: z.string().min(1).max(200),
        stream: z.boolean().default(true),
        /** how often a sample is emitted while streaming */
        intervalMs: z.number().int().min(500).max(60_000).default(2000),
      })
      .strict(),
    StatsSample,
  ),
};
