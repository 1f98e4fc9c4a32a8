// The whole contract: every request, stream and broadcast the UI may use.
// Each domain lives in domains/<name>.ts; names are dotted `domain.verb`.
import { z } from 'zod';
import type { RequestDef, StreamDef } from './kit';
import { systemContract } from './domains/system';
import { enginesContract } from './domains/engines';
import { labContract } from './domains/lab';
import { swarmContract } from './domains/swarm';
import { explainContract } from './domains/explain';
import { stacksContract } from './domains/stacks';
import { machinesContract } from './domains/machines';
import { terminalsContract } from './domains/terminals';
import { statsContract } from './domains/stats';
import { clusterContract } from './domains/cluster';

export const contract = {
  ...systemContract,
  ...enginesContract,
  ...labContract,
  ...swarmContract,
  ...explainContract,
  ...stacksContract,
  ...machinesContract,
  ...terminalsContract,
  ...statsContract,
  ...clusterContract,
};
export type Contract = typeof contract;

/** Broadcasts: pushed to every connected client without a subscription. */
export const broadcasts = {
  'engines.changed': z.object({ reason: z.string() }),
  'machines.changed': z.object({ name: z.string().optional() }),
};
export type Broadcasts = typeof broadcasts;
export type BroadcastName = keyof Broadcasts;
export type BroadcastPayload<N extends BroadcastName> = z.infer<Broadcasts[N]>;

export type RequestName = { [K in keyof Contract]: Contract[K] extends RequestDef ? K : never }[keyof Contract];
export type StreamName = { [K in keyof Contract]: Contract[K] extends StreamDef ? K : never }[keyof Contract];

type DefOf<M extends keyof Contract> = Contract[M];
/** what the caller passes (before zod defaults) */
export type InputOf<M extends keyof Contract> = z.input<DefOf<M>['input']>;
export type OutputOf<M extends RequestName> = DefOf<M> extends RequestDef<z.ZodType, infer O> ? z.output<O> : never;
export type EventOf<M extends StreamName> = DefOf<M> extends StreamDef<z.ZodType, infer E> ? z.output<E> : never;

export function isStream(name: string): name is StreamName {
  return Object.hasOwn(contract, name) && (contract as Record<string, RequestDef | StreamDef>)[name].kind === 'stream';
}
