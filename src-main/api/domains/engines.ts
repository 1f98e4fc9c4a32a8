import { z } from 'zod';
import { request, stream } from '../kit';

/** How to reach one Docker engine. The UI names engines by id; the CLI by URL. */
export const EngineRef = z.object({ id: z.string().min(1).max(200) }).strict();

export const EngineSummary = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  source: z.enum(['local', 'lab', 'machine', 'added']),
  transport: z.enum(['unix', 'npipe', 'tcp', 'tls', 'ssh']),
});
export type EngineSummary = z.infer<typeof EngineSummary>;

export const EngineInfo = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  reachable: z.boolean(),
  error: z.string().optional(),
  dockerVersion: z.string().optional(),
  apiVersion: z.string().optional(),
  os: z.string().optional(),
  arch: z.string().optional(),
  cpus: z.number().optional(),
  memoryBytes: z.number().optional(),
  swarm: z
    .object({
      state: z.string(), // inactive | pending | active | error | locked
      nodeId: z.string().optional(),
      isManager: z.boolean(),
      clusterId: z.string().optional(),
    })
    .optional(),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const EngineEvent = z.object({
  engineId: z.string(),
  type: z.string(),
  action: z.string(),
  actorId: z.string().optional(),
  actorName: z.string().optional(),
  time: z.number(),
});
export type EngineEvent = z.infer<typeof EngineEvent>;

export const enginesContract = {
  'engines.list': request('the engines Flotilla knows: local, lab hosts, machines', z.object({}).strict(), z.array(EngineSummary)),
  'engines.info': request('version, resources and swarm state of one engine', EngineRef, EngineInfo),
  'engines.events': stream('raw engine events of one engine, live', EngineRef, EngineEvent),
};
