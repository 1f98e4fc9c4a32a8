// The cluster domain: one YAML file for machines, swarm, node labels and stacks (issue 19), planned and applied
// like `terraform plan/apply`. `ClusterFile` is the file's own schema: the core validates with it (errors carry the
// line and column, as compose files' do) and assets/cluster-file.schema.json is generated from it for editors
// (test/unit/cluster-file-schema.test.ts keeps the two equal and rewrites the file with FLOTILLA_WRITE_SCHEMA=1).
import { z } from 'zod';
import { request, stream } from '../kit';
import { MachineEvent } from './machines';

/** machine names as the core allows them (core/machines/names.ts); the swarm's machines are NAME-m1.., NAME-w1.. */
const SwarmName = z
  .string()
  .max(58, 'at most 58 characters: machine names (NAME-m1, NAME-w12) must stay within 63')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9_]$|^[a-zA-Z0-9]$/, 'use letters, digits, dots, dashes or underscores, starting with a letter or digit and not ending with a dot or dash')
  .describe('the swarm name: its machines are named NAME-m1.. (managers) and NAME-w1.. (workers), as `flotilla swarm create NAME` names them');

/** a size as docker writes one: 512m, 2g, 20gb, or a number of bytes */
const Size = z.union([
  z.string().regex(/^\d+(\.\d+)?\s*([kKmMgGtT][iI]?[bB]?|[bB])?$/, 'a size such as 512m, 2g or 20gb'),
  z.number().int().positive(),
]);

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const ClusterFile = z
  .object({
    name: SwarmName,
    machines: z
      .object({
        driver: z.string().min(1).optional().describe('container, qemu, virtualbox, hyperv or generic; default: a hypervisor driver when one is usable, else container'),
        managers: z.number().int().min(1).max(9).default(1).describe('manager machines NAME-m1..; 1, 3 or 5 tolerate 0, 1 or 2 failures'),
        workers: z.number().int().min(0).max(19).default(0).describe('worker machines NAME-w1..'),
        cpus: z.number().int().min(1).max(256).optional().describe('CPUs per machine (the driver default when absent)'),
        memory: Size.optional().describe('memory per machine: 512m, 2g'),
        disk: Size.optional().describe('disk per machine: 20g'),
        options: z.record(z.string(), Scalar).optional().describe("the driver's options by flag name, as `flotilla machine create --opt KEY=VALUE` takes them (container-image, qemu-accel, ...)"),
      })
      .strict()
      .describe('the machines Flotilla makes and keeps for this swarm'),
    nodes: z
      .record(
        z.string(),
        z
          .object({
            labels: z.record(z.string().min(1), Scalar).optional().describe("the node's labels: all of them (labels the node has and the file does not name are removed)"),
            availability: z.enum(['active', 'pause', 'drain']).optional(),
          })
          .strict(),
      )
      .optional()
      .describe('per machine name (NAME-m1, NAME-w2): node labels and availability; machines not named here are left as they are'),
    stacks: z
      .record(
        z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a stack name: letters, digits, dots, dashes and underscores'),
        z
          .object({
            file: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('compose file(s), relative to the cluster file'),
            variables: z.record(z.string(), Scalar).optional().describe('the environment for ${VAR} interpolation (the process environment is not read)'),
            prune: z.boolean().optional().describe('remove services the compose files no longer name'),
            resolveImage: z.enum(['always', 'changed', 'never']).optional(),
            detach: z.boolean().optional().describe('do not wait for the services to converge'),
          })
          .strict(),
      )
      .optional()
      .describe('stacks deployed through the deploy with history, as `flotilla stack deploy`'),
  })
  .strict();
export type ClusterFile = z.output<typeof ClusterFile>;

/** a cluster file as the caller has it, and the compose files it names when they are not on the host's disk */
export const ClusterFileInput = z
  .object({
    /** where the file is: messages name it and stack files are relative to its folder */
    path: z.string().min(1).max(4096),
    content: z.string().max(1_000_000),
    /** compose files' contents by the path written in the cluster file (browser mode's uploads), read before the disk */
    files: z.record(z.string().min(1).max(4096), z.string().max(4_000_000)).default({}),
  })
  .strict();

export const ClusterChange = z.object({
  kind: z.enum(['machine', 'swarm', 'node', 'stack']),
  action: z.enum(['create', 'provision', 'resize', 'remove', 'init', 'join', 'promote', 'demote', 'update', 'deploy']),
  /** machine, node or stack name */
  name: z.string(),
  /** what changes, in words: `zone: a -> b`, `drain, leave the swarm, remove the machine` */
  detail: z.string(),
});
export type ClusterChange = z.infer<typeof ClusterChange>;

export const ClusterPlan = z.object({
  name: z.string(),
  changes: z.array(ClusterChange),
  /** what the file does not name and Flotilla leaves as it is, or cannot change (said, never done silently) */
  notes: z.array(z.string()),
});
export type ClusterPlan = z.infer<typeof ClusterPlan>;

/** progress as the one-click swarm reports it (per machine, or for the whole swarm when `machine` is the swarm
 * NAME), so the window shows it with the same component; the last event has done=true and the changes made */
export const ClusterEvent = MachineEvent.extend({ changes: z.array(ClusterChange).optional() });
export type ClusterEvent = z.infer<typeof ClusterEvent>;

export const clusterContract = {
  'cluster.plan': request('what `cluster.up` of a cluster file would change: machines, swarm, node labels and availability, stacks', ClusterFileInput, ClusterPlan),
  'cluster.up': stream(
    'apply a cluster file: create missing machines, build or extend the swarm, remove machines no longer named (drained first), labels and availability, stacks with history; the last event has done=true and the changes made (none for an unchanged file; a running VM\'s resize, for which up does not stop the VM, is not among them: its step says the commands to run)',
    ClusterFileInput,
    ClusterEvent,
  ),
  'cluster.members': request('the machines `cluster.down` would remove: NAME-m*, NAME-w* in the store', ClusterFileInput, z.object({ name: z.string(), machines: z.array(z.string()) })),
  'cluster.down': stream('remove everything a cluster file made: its machines NAME-m*, NAME-w* (and so the swarm and its stacks)', ClusterFileInput, ClusterEvent),
  'cluster.export': request(
    'the cluster file of a running swarm of Flotilla machines NAME-m*, NAME-w*, with its stacks as last deployed (compose files as written; variable values are never kept, so they are listed to fill in)',
    z.object({ name: z.string().min(1).max(63) }).strict(),
    z.object({ path: z.string(), content: z.string(), files: z.array(z.object({ path: z.string(), content: z.string() })) }),
  ),
};
