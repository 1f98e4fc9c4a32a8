// The swarm domain of the contract: swarm, nodes, services, tasks, logs, exec, secrets, configs,
// networks, volumes, and the live cluster model ('swarm.model': first a snapshot, then small diffs).
// Every request names the engine (a manager) by `engineId` from the engine directory (engines.list).
import { z } from 'zod';
import { request, stream } from '../kit';

const EngineId = { engineId: z.string().min(1).max(200) };
const Ref = z.string().min(1).max(300);

// ---- the model the UI draws ----

export const Node = z.object({
  id: z.string(),
  hostname: z.string(),
  role: z.enum(['manager', 'worker']),
  leader: z.boolean(),
  /** managers only: reachable | unreachable | unknown */
  reachability: z.string().optional(),
  availability: z.enum(['active', 'pause', 'drain']),
  /** ready | down | unknown | disconnected */
  status: z.string(),
  engineVersion: z.string(),
  addr: z.string(),
  cpus: z.number(),
  memoryBytes: z.number(),
  labels: z.record(z.string(), z.string()),
});
export type Node = z.infer<typeof Node>;

export const PortMapping = z.object({
  published: z.number().optional(),
  target: z.number(),
  protocol: z.string(),
  mode: z.string(),
});
export type PortMapping = z.infer<typeof PortMapping>;

export const Service = z.object({
  id: z.string(),
  name: z.string(),
  /** the stack (com.docker.stack.namespace label), if deployed by a stack */
  stack: z.string().optional(),
  mode: z.enum(['replicated', 'global', 'replicated-job', 'global-job']),
  replicas: z.object({ desired: z.number(), running: z.number() }),
  image: z.string(),
  ports: z.array(PortMapping),
  updateStatus: z
    .object({
      /** updating | paused | completed | rollback_started | rollback_paused | rollback_completed */
      state: z.string(),
      message: z.string().optional(),
      /** tasks already on the new spec, of all the service's tasks */
      progress: z.object({ n: z.number(), m: z.number() }).optional(),
    })
    .optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type Service = z.infer<typeof Service>;

export const TaskStateChange = z.object({ state: z.string(), at: z.string() });

export const Task = z.object({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string().optional(),
  /** replicated services: slot number; global services: 0 (one task per node) */
  slot: z.number(),
  nodeId: z.string().optional(),
  image: z.string(),
  state: z.string(),
  desiredState: z.string(),
  error: z.string().optional(),
  message: z.string().optional(),
  timestamps: z.object({ created: z.string(), updated: z.string(), status: z.string() }),
  containerId: z.string().optional(),
  /** states this task was seen in, oldest first (from the live model; one entry from a plain listing) */
  timeline: z.array(TaskStateChange).optional(),
});
export type Task = z.infer<typeof Task>;

/** a task as `docker service ps` / `docker stack ps` print it: the engine's fields before any truncation */
export const PsTask = z.object({
  id: z.string(),
  serviceId: z.string(),
  slot: z.number(),
  nodeId: z.string(),
  /** the spec's image, digest included */
  image: z.string(),
  desiredState: z.string(),
  state: z.string(),
  error: z.string(),
  /** Status.Timestamp: when the task entered its current state */
  timestamp: z.string(),
  createdAt: z.string(),
  /** host-mode published ports (Status.PortStatus) */
  ports: z.array(z.object({ published: z.number(), target: z.number(), protocol: z.string() })),
});
export type PsTask = z.infer<typeof PsTask>;

export const ClusterModel = z.object({
  nodes: z.record(z.string(), Node),
  services: z.record(z.string(), Service),
  tasks: z.record(z.string(), Task),
});
export type ClusterModel = z.infer<typeof ClusterModel>;

export const ModelChange = z.union([
  z.object({ op: z.literal('upsert'), kind: z.literal('node'), value: Node }),
  z.object({ op: z.literal('upsert'), kind: z.literal('service'), value: Service }),
  z.object({ op: z.literal('upsert'), kind: z.literal('task'), value: Task }),
  z.object({ op: z.literal('remove'), kind: z.enum(['node', 'service', 'task']), id: z.string() }),
]);
export type ModelChange = z.infer<typeof ModelChange>;

export const ModelEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), model: ClusterModel, at: z.number() }),
  z.object({ type: z.literal('diff'), changes: z.array(ModelChange), at: z.number() }),
  /** a source (the manager, or a node's engine) dropped or came back; the model resyncs after. For source 'manager',
   * `via` names the manager the model reads from now (it moves to another manager when the one it read from stops answering) */
  z.object({ type: z.literal('source'), source: z.string(), connected: z.boolean(), error: z.string().optional(), via: z.string().optional(), at: z.number() }),
]);
export type ModelEvent = z.infer<typeof ModelEvent>;

// ---- requests ----

export const SwarmInfo = z.object({
  state: z.string(),
  nodeId: z.string().optional(),
  isManager: z.boolean(),
  clusterId: z.string().optional(),
  managers: z.number().optional(),
  nodes: z.number().optional(),
  taskHistoryLimit: z.number().optional(),
  certExpiryNs: z.number().optional(),
  autolock: z.boolean().optional(),
});
export type SwarmInfo = z.infer<typeof SwarmInfo>;

export const ServiceCreateInput = z.object({
  name: z.string().min(1).max(63).optional(),
  image: z.string().min(1),
  args: z.array(z.string()).optional(),
  replicas: z.number().int().min(0).optional(),
  mode: z.enum(['replicated', 'global']).optional(),
  publish: z.array(z.string()).optional(),
  env: z.array(z.string()).optional(),
  mounts: z.array(z.string()).optional(),
  networks: z.array(z.string()).optional(),
  constraints: z.array(z.string()).optional(),
  placementPrefs: z.array(z.string()).optional(),
  labels: z.array(z.string()).optional(),
  containerLabels: z.array(z.string()).optional(),
  secrets: z.array(z.string()).optional(),
  configs: z.array(z.string()).optional(),
  updateParallelism: z.number().int().min(0).optional(),
  updateDelay: z.string().optional(),
  updateFailureAction: z.enum(['pause', 'continue', 'rollback']).optional(),
  updateOrder: z.enum(['stop-first', 'start-first']).optional(),
  updateMonitor: z.string().optional(),
  rollbackParallelism: z.number().int().min(0).optional(),
  rollbackDelay: z.string().optional(),
  rollbackFailureAction: z.enum(['pause', 'continue']).optional(),
  rollbackOrder: z.enum(['stop-first', 'start-first']).optional(),
  restartCondition: z.enum(['none', 'on-failure', 'any']).optional(),
  restartDelay: z.string().optional(),
  restartMaxAttempts: z.number().int().min(0).optional(),
  limitCpu: z.number().positive().optional(),
  limitMemory: z.string().optional(),
  reserveCpu: z.number().positive().optional(),
  reserveMemory: z.string().optional(),
  healthCmd: z.string().optional(),
  healthInterval: z.string().optional(),
  healthTimeout: z.string().optional(),
  healthRetries: z.number().int().min(0).optional(),
  noHealthcheck: z.boolean().optional(),
  workdir: z.string().optional(),
  user: z.string().optional(),
  hostname: z.string().optional(),
  stopGracePeriod: z.string().optional(),
});
export type ServiceCreateInput = z.infer<typeof ServiceCreateInput>;

export const ServiceUpdateInput = z.object({
  image: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  replicas: z.number().int().min(0).optional(),
  envAdd: z.array(z.string()).optional(),
  envRm: z.array(z.string()).optional(),
  publishAdd: z.array(z.string()).optional(),
  publishRm: z.array(z.string()).optional(),
  labelAdd: z.array(z.string()).optional(),
  labelRm: z.array(z.string()).optional(),
  constraintAdd: z.array(z.string()).optional(),
  constraintRm: z.array(z.string()).optional(),
  updateParallelism: z.number().int().min(0).optional(),
  updateDelay: z.string().optional(),
  updateFailureAction: z.enum(['pause', 'continue', 'rollback']).optional(),
  updateOrder: z.enum(['stop-first', 'start-first']).optional(),
  force: z.boolean().optional(),
});
export type ServiceUpdateInput = z.infer<typeof ServiceUpdateInput>;

export const QuorumReport = z.object({
  managersBefore: z.number(),
  managersAfter: z.number(),
  majority: z.number(),
  tolerates: z.number(),
  warnings: z.array(z.string()),
  arithmetic: z.string(),
});
export type QuorumReport = z.infer<typeof QuorumReport>;

export const LogLine = z.object({
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  timestamp: z.string().optional(),
  taskId: z.string().optional(),
  nodeId: z.string().optional(),
});
export type LogLine = z.infer<typeof LogLine>;

const LogOptions = {
  follow: z.boolean().optional(),
  tail: z.union([z.number().int().min(0), z.literal('all')]).optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  timestamps: z.boolean().optional(),
};

export const SecretSummary = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), updatedAt: z.string(), labels: z.record(z.string(), z.string()), driver: z.string().optional() });
export type SecretSummary = z.infer<typeof SecretSummary>;
export const ConfigSummary = SecretSummary.extend({ data: z.string().optional() });
export type ConfigSummary = z.infer<typeof ConfigSummary>;
export const NetworkSummary = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  attachable: z.boolean(),
  encrypted: z.boolean(),
  internal: z.boolean(),
  subnets: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
});
export type NetworkSummary = z.infer<typeof NetworkSummary>;
export const VolumeSummary = z.object({ node: z.string(), name: z.string(), driver: z.string(), mountpoint: z.string(), labels: z.record(z.string(), z.string()) });
export type VolumeSummary = z.infer<typeof VolumeSummary>;

export const CreateProgress = z.object({ step: z.string(), node: z.string(), status: z.enum(['start', 'done', 'skipped']), message: z.string() });
export const CreateResult = z.object({
  clusterId: z.string(),
  managerAddr: z.string(),
  nodes: z.array(z.object({ name: z.string(), nodeId: z.string(), role: z.enum(['manager', 'worker']), action: z.string(), advertiseAddr: z.string().optional() })),
});

const Ok = z.object({ ok: z.literal(true) });
const Inspect = z.record(z.string(), z.unknown());
/** how `data` is written: text as it is, or any bytes (a file the CLI read) as base64 */
const DataEncoding = z.enum(['utf8', 'base64']).default('utf8');
const nodeRef = z.object({ ...EngineId, node: Ref }).strict();
const serviceRef = z.object({ ...EngineId, service: Ref }).strict();

export const swarmContract = {
  'swarm.info': request('swarm state of an engine: member, manager, cluster id, settings', z.object({ ...EngineId }).strict(), SwarmInfo),
  'swarm.init': request('initialise a swarm on an engine (advertise address chosen if not given)', z.object({ ...EngineId, advertiseAddr: z.string().optional() }).strict(), z.object({ nodeId: z.string(), advertiseAddr: z.string().optional() })),
  'swarm.join': request('join an engine to the swarm of a manager engine, as worker or manager', z.object({ ...EngineId, managerEngineId: z.string(), role: z.enum(['worker', 'manager']), advertiseAddr: z.string().optional() }).strict(), z.object({ nodeId: z.string() })),
  'swarm.leave': request('make an engine leave its swarm (force needed for the last manager)', z.object({ ...EngineId, force: z.boolean().optional() }).strict(), Ok),
  'swarm.joinToken': request('the join token for a role (only when asked; never logged)', z.object({ ...EngineId, role: z.enum(['worker', 'manager']), rotate: z.boolean().optional() }).strict(), z.object({ token: z.string(), managerAddr: z.string() })),
  'swarm.update': request('swarm settings: task history limit, certificate expiry, autolock', z.object({ ...EngineId, taskHistoryLimit: z.number().int().min(0).optional(), certExpiry: z.string().optional(), autolock: z.boolean().optional() }).strict(), z.object({ unlockKey: z.string().optional() })),
  'swarm.create': stream('build a swarm from engines in one action: progress events, then the result', z.object({ managers: z.array(z.string()).min(1), workers: z.array(z.string()).default([]) }).strict(), z.discriminatedUnion('kind', [z.object({ kind: z.literal('progress'), progress: CreateProgress }), z.object({ kind: z.literal('done'), result: CreateResult })])),

  'swarm.nodes.list': request('the swarm nodes', z.object({ ...EngineId }).strict(), z.array(Node)),
  'swarm.nodes.inspect': request('one node, raw as the engine has it', nodeRef, Inspect),
  'swarm.nodes.setAvailability': request('drain, pause or activate a node', z.object({ ...EngineId, node: Ref, availability: z.enum(['active', 'pause', 'drain']) }).strict(), Node),
  'swarm.nodes.setRole': request('promote or demote a node; refuses the last manager, warns on even counts or lost quorum', z.object({ ...EngineId, node: Ref, role: z.enum(['manager', 'worker']) }).strict(), z.object({ node: Node, quorum: QuorumReport })),
  'swarm.nodes.quorum': request('the raft majority arithmetic if a node changed role (no change made)', z.object({ ...EngineId, node: Ref, role: z.enum(['manager', 'worker']) }).strict(), QuorumReport),
  'swarm.nodes.label': request('add or remove node labels', z.object({ ...EngineId, node: Ref, add: z.record(z.string(), z.string()).optional(), remove: z.array(z.string()).optional() }).strict(), Node),
  'swarm.nodes.remove': request('remove a node: a down one directly; an up one by drain, leave on that node, remove', z.object({ ...EngineId, node: Ref, force: z.boolean().optional() }).strict(), z.object({ steps: z.array(z.string()) })),

  'swarm.services.list': request('the services with running/desired and update status', z.object({ ...EngineId }).strict(), z.array(Service)),
  'swarm.services.inspect': request('one service, raw as the engine has it', serviceRef, Inspect),
  'swarm.services.create': request('create a service from CLI-like options', z.object({ ...EngineId, spec: ServiceCreateInput }).strict(), z.object({ id: z.string() })),
  'swarm.services.update': request('update a service (image, env, ports, replicas, force)', z.object({ ...EngineId, service: Ref, update: ServiceUpdateInput }).strict(), z.object({ id: z.string(), warnings: z.array(z.string()) })),
  'swarm.services.scale': request('set the replica count', z.object({ ...EngineId, service: Ref, replicas: z.number().int().min(0) }).strict(), Ok),
  'swarm.services.rollback': request('roll a service back to its previous spec', serviceRef, Ok),
  'swarm.services.resume': request(
    'resume a paused update or rollback (the engine reruns it: `docker service update SERVICE` with no change, asked again while the engine drops it); refused when nothing is paused',
    serviceRef,
    z.object({ state: z.string(), now: z.string(), asked: z.number().int().min(1) }),
  ),
  'swarm.services.remove': request('remove a service', serviceRef, Ok),
  'swarm.services.logs': stream('service logs, stdout and stderr apart; follow until disposed', z.object({ ...EngineId, service: Ref, ...LogOptions }).strict(), LogLine),

  'swarm.tasks.list': request('tasks, optionally of one service or node, newest first', z.object({ ...EngineId, service: Ref.optional(), node: Ref.optional() }).strict(), z.array(Task)),
  'swarm.tasks.ps': request(
    "tasks as `docker service ps` / `stack ps` list them: docker's task filters (id, name, service, node, label, desired-state) given to the engine as they are, so its refusals are the engine's own; with the names of services and nodes (spec name, else hostname), and the node the engine runs on",
    z.object({ ...EngineId, filters: z.record(z.string(), z.array(z.string())) }).strict(),
    z.object({ tasks: z.array(PsTask), services: z.record(z.string(), z.string()), nodes: z.record(z.string(), z.string()), self: z.string() }),
  ),
  'swarm.tasks.inspect': request('one task (id or id prefix), raw as the engine has it', z.object({ ...EngineId, task: Ref }).strict(), Inspect),
  'swarm.tasks.logs': stream('one task container logs, read from the node that runs it', z.object({ ...EngineId, task: Ref, ...LogOptions }).strict(), LogLine),
  'swarm.containers.logs': stream('one container logs on the engine `engineId` (any container, not only one of a task)', z.object({ ...EngineId, container: Ref, ...LogOptions }).strict(), LogLine),
  'swarm.exec': request('run a command in a task container (of a task or a service) on its node; output and exit code', z.object({ ...EngineId, target: Ref, cmd: z.array(z.string()).min(1), user: z.string().optional(), workdir: z.string().optional(), env: z.array(z.string()).optional() }).strict(), z.object({ stdout: z.string(), stderr: z.string(), exitCode: z.number(), taskId: z.string(), nodeId: z.string() })),

  'swarm.secrets.list': request('secrets (never their content)', z.object({ ...EngineId }).strict(), z.array(SecretSummary)),
  'swarm.secrets.create': request('create a secret from text (or bytes as base64)', z.object({ ...EngineId, name: z.string().min(1), data: z.string(), encoding: DataEncoding, labels: z.record(z.string(), z.string()).optional() }).strict(), z.object({ id: z.string() })),
  'swarm.secrets.inspect': request('one secret (never its content)', z.object({ ...EngineId, secret: Ref }).strict(), SecretSummary),
  'swarm.secrets.remove': request('remove a secret', z.object({ ...EngineId, secret: Ref }).strict(), Ok),
  'swarm.configs.list': request('configs', z.object({ ...EngineId }).strict(), z.array(ConfigSummary)),
  'swarm.configs.create': request('create a config from text (or bytes as base64)', z.object({ ...EngineId, name: z.string().min(1), data: z.string(), encoding: DataEncoding, labels: z.record(z.string(), z.string()).optional() }).strict(), z.object({ id: z.string() })),
  'swarm.configs.inspect': request('one config with its content', z.object({ ...EngineId, config: Ref }).strict(), ConfigSummary),
  'swarm.configs.remove': request('remove a config', z.object({ ...EngineId, config: Ref }).strict(), Ok),
  'swarm.networks.list': request('networks', z.object({ ...EngineId }).strict(), z.array(NetworkSummary)),
  'swarm.networks.create': request('create an overlay network', z.object({ ...EngineId, name: z.string().min(1), attachable: z.boolean().optional(), encrypted: z.boolean().optional(), subnet: z.string().optional(), gateway: z.string().optional(), internal: z.boolean().optional() }).strict(), z.object({ id: z.string() })),
  'swarm.networks.inspect': request('one network, raw', z.object({ ...EngineId, network: Ref }).strict(), Inspect),
  'swarm.networks.remove': request('remove a network', z.object({ ...EngineId, network: Ref }).strict(), Ok),
  'swarm.volumes.list': request('volumes on every node', z.object({ ...EngineId }).strict(), z.array(VolumeSummary)),

  'swarm.model': stream('the live cluster model: a snapshot, then small diffs', z.object({ ...EngineId }).strict(), ModelEvent),
};
