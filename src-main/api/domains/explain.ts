// Why a task is not running: for each task of a service that is not running, each node's reasons it cannot take
// the task (as swarmkit's scheduler filters decide), the engine's own Status.Err, and the slot's last states.
import { z } from 'zod';
import { request } from '../kit';

const EngineId = { engineId: z.string().min(1).max(200) };
const Ref = z.string().min(1).max(300);

export const ExplainReasonKind = z.enum([
  /** node status is not ready (down, unknown, disconnected) */
  'down',
  /** availability drain or pause */
  'drain',
  'pause',
  /** reserved CPU or memory larger than what the node has left */
  'resources',
  /** a placement constraint fails (quoted as written) */
  'constraint',
  /** the image's platforms (Placement.Platforms) do not include the node's */
  'platform',
  /** a host-mode published port is taken on the node */
  'host-port',
  /** Placement.MaxReplicas tasks of the service already on the node */
  'max-replicas',
  /** a task of this service was rejected on the node because its image could not be pulled */
  'image',
  /** a task of this service failed on the node for another reason */
  'failed',
]);
export type ExplainReasonKind = z.infer<typeof ExplainReasonKind>;

export const ExplainReason = z.object({
  kind: ExplainReasonKind,
  /** one line in plain words, e.g. `constraint "node.labels.zone==nowhere" fails: node.labels.zone is "" here` */
  text: z.string(),
  /** kind constraint: the expression exactly as the service spec has it */
  constraint: z.string().optional(),
  /** kind resources: what the task reserves and what the node has left (node resources minus reservations of its tasks) */
  resource: z.object({ what: z.enum(['cpu', 'memory']), reserved: z.number(), available: z.number(), total: z.number(), reservedByOthers: z.number() }).optional(),
  /** kinds image and failed: the engine's error of that task */
  error: z.string().optional(),
  /** kinds image, failed, host-port: the task concerned */
  taskId: z.string().optional(),
});
export type ExplainReason = z.infer<typeof ExplainReason>;

export const ExplainNode = z.object({
  nodeId: z.string(),
  hostname: z.string(),
  /** every scheduler filter passes: the node could take the task now (history reasons aside) */
  schedulable: z.boolean(),
  reasons: z.array(ExplainReason),
});
export type ExplainNode = z.infer<typeof ExplainNode>;

export const ExplainHistoryEntry = z.object({
  taskId: z.string(),
  nodeId: z.string().optional(),
  hostname: z.string().optional(),
  state: z.string(),
  desiredState: z.string(),
  /** when the task reached `state` */
  at: z.string(),
  error: z.string().optional(),
  message: z.string().optional(),
});
export type ExplainHistoryEntry = z.infer<typeof ExplainHistoryEntry>;

export const TaskExplanation = z.object({
  taskId: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  /** `web.2`, or `web.<node id>` for a global service's task */
  name: z.string(),
  slot: z.number(),
  nodeId: z.string().optional(),
  hostname: z.string().optional(),
  state: z.string(),
  desiredState: z.string(),
  /** running: nothing to explain (the nodes list is then empty) */
  running: z.boolean(),
  /** one line: where the task is and why */
  summary: z.string(),
  /** the engine's own Status.Err and Status.Message */
  engineError: z.string().optional(),
  engineMessage: z.string().optional(),
  nodes: z.array(ExplainNode),
  /** the slot's tasks (this one included), newest first */
  history: z.array(ExplainHistoryEntry),
});
export type TaskExplanation = z.infer<typeof TaskExplanation>;

export const ServiceExplanation = z.object({
  serviceId: z.string(),
  serviceName: z.string(),
  mode: z.string(),
  desired: z.number(),
  running: z.number(),
  /** the tasks meant to run that are not running, by slot */
  tasks: z.array(TaskExplanation),
  /** things that hold for the whole service (a slot without a task, no nodes at all) */
  notes: z.array(z.string()),
});
export type ServiceExplanation = z.infer<typeof ServiceExplanation>;

export const explainContract = {
  'swarm.services.explain': request(
    'why each task of a service that is not running is where it is: per node the reason it cannot take it, the engine error, the slot history',
    z.object({ ...EngineId, service: Ref }).strict(),
    ServiceExplanation,
  ),
  'swarm.tasks.explain': request('why one task is where it is (as swarm.services.explain, for one task)', z.object({ ...EngineId, task: Ref }).strict(), TaskExplanation),
};
