// The stacks domain: compose files to swarm stacks, as `docker stack` does, plus validation, plan and history.
import { z } from 'zod';
import { request, stream } from '../kit';
import { LogLine } from './swarm';

export const StackDiagnostic = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  /** dotted path as the docker CLI names fields: services.web.ports */
  path: z.string(),
});
export type StackDiagnostic = z.infer<typeof StackDiagnostic>;

const ComposeFile = z.object({ file: z.string().min(1).max(4096), content: z.string().max(4_000_000) }).strict();

/** the files and variables a stack is loaded from; the UI passes the variables the user set */
export const StackFiles = z.object({
  files: z.array(ComposeFile).min(1).max(20),
  variables: z.record(z.string(), z.string()).default({}),
  /** read `.env` beside the first file (the docker CLI never does; the choice is reported in diagnostics) */
  dotEnv: z.boolean().default(false),
  workingDir: z.string().optional(),
  /** contents (base64) of files that secrets, configs and env_file read, by the path written in the compose file;
   * read instead of the host's disk (browser mode, where the person attaches them); never kept in history */
  attachments: z.record(z.string().min(1).max(4096), z.string().max(8_000_000)).default({}),
});

const EngineStack = z.object({ engineId: z.string().min(1), stack: z.string().min(1).max(200) });

export const StackEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({ type: z.literal('warning'), message: z.string() }),
  z.object({ type: z.literal('service'), service: z.string(), action: z.enum(['create', 'update', 'remove']), id: z.string().optional() }),
  z.object({ type: z.literal('progress'), service: z.string(), running: z.number(), desired: z.number(), state: z.enum(['converging', 'converged', 'failed']), errors: z.array(z.string()) }),
  z.object({
    type: z.literal('done'),
    services: z.array(z.object({ name: z.string(), id: z.string(), action: z.enum(['create', 'update']) })),
    /** the stack's networks, secrets and configs the deploy made or kept, and its warnings (the CLI's --json prints them) */
    networks: z.array(z.string()).optional(),
    secrets: z.array(z.string()).optional(),
    configs: z.array(z.string()).optional(),
    warnings: z.array(z.string()).optional(),
    history: z.number(),
    diagnostics: z.array(StackDiagnostic).optional(),
  }),
]);
export type StackEvent = z.infer<typeof StackEvent>;

export const PlanItem = z.object({
  kind: z.enum(['service', 'network', 'secret', 'config']),
  name: z.string(),
  action: z.enum(['create', 'update', 'remove', 'unchanged']),
  changes: z.array(z.object({ path: z.string(), from: z.unknown().optional(), to: z.unknown().optional() })),
});

export const HistoryEntry = z.object({
  n: z.number(),
  time: z.string(),
  stack: z.string(),
  engine: z.string(),
  files: z.array(z.string()),
  sources: z.array(z.string()),
  workingDir: z.string(),
  /** names of the variables set for the deploy; their values are never kept */
  variables: z.array(z.string()),
  /** name -> keyed hash of the value, to tell a changed value from an unchanged one */
  variableHashes: z.record(z.string(), z.string()),
  dotEnvFile: z.string().optional(),
  options: z.object({ prune: z.boolean().optional(), resolveImage: z.string().optional(), withRegistryAuth: z.boolean().optional() }),
  objectFiles: z.record(z.string(), z.string()),
  services: z.array(z.string()),
});

const DeployOptions = z.object({
  prune: z.boolean().default(false),
  resolveImage: z.enum(['always', 'changed', 'never']).default('always'),
  withRegistryAuth: z.boolean().default(false),
  /** false: return once the services are created, like `docker stack deploy -d` */
  wait: z.boolean().default(true),
});

/** One line of whole-stack logs: a service log line named by its service, slot and node (docker's `service.slot.taskid@node`). */
export const StackLogLine = LogLine.extend({
  service: z.string(),
  serviceId: z.string(),
  /** 0 for a task of a global service, as docker prints it */
  slot: z.number().int().min(0),
  /** the node's name (spec name, else hostname), or its ID when it cannot be read */
  node: z.string(),
  /** a replicated service's replica count (docker pads slots to its digits) */
  replicas: z.number().int().min(0).optional(),
});
export type StackLogLine = z.infer<typeof StackLogLine>;

const StackLogOptions = z.object({
  follow: z.boolean().optional(),
  tail: z.union([z.number().int().min(0), z.literal('all')]).optional(),
  since: z.string().optional(),
  timestamps: z.boolean().optional(),
});

export const stacksContract = {
  'stacks.validate': request(
    'load and validate compose files as `docker stack deploy` would; diagnostics carry file, line, column and dotted path',
    StackFiles,
    z.object({ diagnostics: z.array(StackDiagnostic), version: z.string().optional(), variables: z.record(z.string(), z.string()), dotEnvFile: z.string().optional() }),
  ),
  'stacks.config': request(
    'the merged, interpolated configuration (`docker stack config`): as YAML, and as the model with the variables used',
    StackFiles,
    z.object({ yaml: z.string(), diagnostics: z.array(StackDiagnostic), config: z.unknown(), variables: z.record(z.string(), z.string()), dotEnvFile: z.string().optional() }),
  ),
  'stacks.plan': request('what a deploy would create, update (field by field) or remove', EngineStack.extend(StackFiles.shape).extend({ prune: z.boolean().default(false) }), z.object({ items: z.array(PlanItem), diagnostics: z.array(StackDiagnostic) })),
  'stacks.deploy': stream('deploy a stack; events until every service converged or failed', EngineStack.extend(StackFiles.shape).extend(DeployOptions.shape), StackEvent),
  'stacks.rm': request('remove stacks: services, secrets, configs, networks', z.object({ engineId: z.string().min(1), stacks: z.array(z.string().min(1)).min(1) }), z.object({ removed: z.array(z.string()), log: z.array(z.string()) })),
  'stacks.ls': request('stacks on the swarm with their service counts', z.object({ engineId: z.string().min(1) }), z.array(z.object({ name: z.string(), services: z.number() }))),
  'stacks.ps': request(
    "a stack's tasks",
    EngineStack.extend({ filters: z.record(z.string(), z.array(z.string())).default({}) }),
    z.array(z.object({ id: z.string(), name: z.string(), image: z.string(), node: z.string(), desiredState: z.string(), currentState: z.string(), error: z.string(), ports: z.string() })),
  ),
  'stacks.services': request("a stack's services with running/desired counts", EngineStack, z.array(z.object({ id: z.string(), name: z.string(), mode: z.string(), replicas: z.string(), image: z.string(), ports: z.string() }))),
  'stacks.history': request(
    "a stack's deployments (compose files as written, variable names and value hashes, never values or secret contents); with diff: [a, b] also their line diff; with show: n the compose files of deployment n",
    EngineStack.extend({ diff: z.tuple([z.number().int(), z.number().int()]).optional(), show: z.number().int().min(1).optional() }),
    z.object({ entries: z.array(HistoryEntry), diff: z.string().optional(), files: z.array(ComposeFile).optional() }),
  ),
  'stacks.rollback': stream(
    'redeploy an earlier deployment of a stack; history keeps only hashes of variable values, so the values come with the request (each used only when it matches the hash kept)',
    EngineStack.extend({ to: z.number().int().min(1), wait: z.boolean().default(true), variables: z.record(z.string(), z.string()).default({}) }),
    StackEvent,
  ),
  'stacks.logs': stream(
    "every service's logs of a stack merged in time order (the backlog sorted, then lines as they come), each named by service, slot and node",
    EngineStack.extend(StackLogOptions.shape).strict(),
    StackLogLine,
  ),
};
