// Services through a manager: list (running/desired, update status), inspect, create, update, scale, rollback, remove.
import type Docker from 'dockerode';
import type { EngineConnection } from '../engine';
import type { Service, ServiceCreateInput, ServiceUpdateInput } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import { badReplicas, engineCall, noSuchService, statusOf, wrapEngineError } from './errors';
import { toService, toTask, type RawService } from './mappers';
import { applyServiceUpdate, buildServiceSpec, type RefResolver, type ServiceSpec } from './service-spec';
import { requireManager } from './swarm';
import { rawTasks } from './tasks';

export async function listServices(manager: EngineConnection): Promise<Service[]> {
  await requireManager(manager);
  const [services, tasks] = await Promise.all([engineCall(() => manager.docker.listServices()) as Promise<RawService[]>, rawTasks(manager)]);
  const byService = new Map<string, ReturnType<typeof toTask>[]>();
  for (const t of tasks) {
    const list = byService.get(t.ServiceID) ?? [];
    list.push(toTask(t));
    byService.set(t.ServiceID, list);
  }
  return services.map((s) => toService(s, byService.get(s.ID) ?? [])).sort((a, b) => a.name.localeCompare(b.name));
}

export async function inspectService(manager: EngineConnection, ref: string): Promise<RawService> {
  await requireManager(manager);
  try {
    return (await manager.docker.getService(ref).inspect()) as RawService;
  } catch (e) {
    if (statusOf(e) === 404) throw noSuchService(ref);
    throw wrapEngineError(e);
  }
}

/** Resolves secret/config names to ids for the spec builder. */
export async function refResolver(manager: EngineConnection): Promise<RefResolver> {
  const [secrets, configs] = (await Promise.all([engineCall(() => manager.docker.listSecrets()), engineCall(() => manager.docker.listConfigs())])) as [
    Array<{ ID: string; Spec: { Name: string } }>,
    Array<{ ID: string; Spec: { Name: string } }>,
  ];
  const find = (list: Array<{ ID: string; Spec: { Name: string } }>, kind: string) => (ref: string) => {
    const x = list.find((s) => s.Spec.Name === ref || s.ID === ref);
    if (!x) throw new FlotillaError('NOT_FOUND', `no such ${kind}: ${ref}; create it first with \`flotilla ${kind} create\``);
    return { id: x.ID, name: x.Spec.Name };
  };
  return { secret: find(secrets, 'secret'), config: find(configs, 'config') };
}

export async function createService(manager: EngineConnection, input: ServiceCreateInput): Promise<{ id: string }> {
  await requireManager(manager);
  const needsRefs = Boolean(input.secrets?.length || input.configs?.length);
  const spec = buildServiceSpec(input, needsRefs ? await refResolver(manager) : undefined);
  if (spec.Name) {
    const exists = await manager.docker
      .getService(spec.Name)
      .inspect()
      .then((s: RawService) => s.Spec.Name === spec.Name)
      .catch(() => false);
    if (exists) throw new FlotillaError('CONFLICT', `service ${spec.Name} already exists: update it with \`flotilla service update\` or choose another name`);
  }
  const created = (await engineCall(() => manager.docker.createService(spec as unknown as Docker.CreateServiceOptions))) as { id?: string; ID?: string };
  return { id: created.id ?? created.ID ?? '' };
}

async function writeSpec(manager: EngineConnection, svc: RawService, spec: ServiceSpec | Record<string, unknown>, query: Record<string, unknown> = {}): Promise<string[]> {
  const res = (await engineCall(() => manager.docker.getService(svc.ID).update({ _query: { version: svc.Version?.Index ?? 0, ...query }, _body: spec }), { kind: 'service', ref: svc.Spec.Name })) as {
    Warnings?: string[] | null;
  };
  return res?.Warnings ?? [];
}

export async function updateService(manager: EngineConnection, ref: string, u: ServiceUpdateInput): Promise<{ id: string; warnings: string[] }> {
  if (u.replicas !== undefined && (!Number.isInteger(u.replicas) || u.replicas < 0)) throw badReplicas(u.replicas);
  const svc = await inspectService(manager, ref);
  const { spec, warnings } = applyServiceUpdate(svc.Spec as unknown as ServiceSpec, u);
  const w = await writeSpec(manager, svc, spec);
  return { id: svc.ID, warnings: [...warnings, ...w] };
}

export async function scaleService(manager: EngineConnection, ref: string, replicas: number): Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0) throw badReplicas(replicas);
  const svc = await inspectService(manager, ref);
  if (!svc.Spec.Mode?.Replicated) throw new FlotillaError('PRECONDITION', `service ${svc.Spec.Name} is global: it runs one task per node and cannot be scaled`);
  const spec = structuredClone(svc.Spec) as unknown as ServiceSpec;
  spec.Mode = { Replicated: { Replicas: replicas } };
  await writeSpec(manager, svc, spec);
}

export async function rollbackService(manager: EngineConnection, ref: string): Promise<void> {
  const svc = await inspectService(manager, ref);
  if (!svc.PreviousSpec) throw new FlotillaError('PRECONDITION', `service ${svc.Spec.Name} has no previous spec to roll back to: it was never updated`);
  await writeSpec(manager, svc, svc.Spec, { rollback: 'previous' });
}

/** The update states the engine leaves a service in when an update (or its rollback) stopped on a failure. */
const PAUSED = new Set(['paused', 'rollback_paused']);

/** a JSON value with its object keys sorted: two specs the engine serialised compare by content */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)]));
  return v;
}

/**
 * Whether some task meant to run is not on the service's current task template (what the engine's updater calls a
 * dirty slot). Compared by content, as the updater does; where the engine forgives a difference (placement that the
 * node still meets), this says outdated, and the cost is one more ask that the engine ignores.
 */
async function hasOutdatedTasks(manager: EngineConnection, svc: RawService): Promise<boolean> {
  // the engine's service view adds Runtime ("container", from the kind of spec), its task view does not (seen on the
  // lab: with that key left out, a task on the current spec is the same JSON as the template, networks, limits,
  // constraints and labels included)
  const { Runtime: _runtime, ...template } = (svc.Spec.TaskTemplate ?? {}) as Record<string, unknown>;
  const want = JSON.stringify(canonical(template));
  const tasks = await rawTasks(manager, { service: [svc.ID], 'desired-state': ['running'] });
  return tasks.some((t) => JSON.stringify(canonical(t.Spec ?? {})) !== want);
}

export interface ResumeResult {
  /** the paused state that was resumed: paused | rollback_paused */
  state: string;
  /** the engine's update state once it took the resume: updating, rollback_started, paused (failed again at once),
   * completed..., or '' when it had nothing left to update (every task already on the spec: it clears the status) */
  now: string;
  /** how many times the spec was written (more than 1 when the engine dropped the first ask, see below) */
  asked: number;
}

/**
 * Resumes a paused update (or paused rollback) the way docker does it: `docker service update SERVICE` with no
 * change writes the same spec again, and the engine clears UpdateStatus and runs its updater once more over the
 * tasks not yet on the spec. Refused when nothing is paused, where a rewrite would do nothing useful. As with
 * docker, the engine then keeps this spec as the previous one too: a rollback afterwards has nowhere older to go.
 *
 * Unlike docker, the resume is followed until the engine takes it. The engine drops a resume that arrives while the
 * paused run is still winding down (its worker sits out the update delay, or waits for the task it was starting):
 * swarmkit's update supervisor sees a run "already working towards this spec" and starts none, yet the write has
 * cleared the status, so nothing is paused, nothing runs and nothing retries (seen on the lab with docker CLI 28:
 * `docker service update SERVICE` during a 30 s update delay leaves UpdateStatus null and two tasks on the old spec
 * for good). So while the status stays empty and tasks are still on an older spec, the same spec is written again,
 * after 2, 4, 8, 16 and 32 s, until the engine shows a run (or has nothing left to do); then it says so.
 */
export async function resumeServiceUpdate(manager: EngineConnection, ref: string, waits: number[] = [2000, 4000, 8000, 16_000, 32_000]): Promise<ResumeResult> {
  const svc = await inspectService(manager, ref);
  const state = svc.UpdateStatus?.State ?? '';
  if (!PAUSED.has(state)) {
    throw new FlotillaError('PRECONDITION', `service ${svc.Spec.Name} has no paused update to resume (its update state is ${state || 'none'}): use force update to replace its tasks anyway`);
  }
  await writeSpec(manager, svc, svc.Spec);
  let asked = 1;
  let latest = svc;
  for (const wait of waits) {
    // the engine's answer shows within a second when it takes the resume: look each second until the next ask
    // (the last look is at the end of the wait: the next ask writes what it read, at its version)
    for (const end = Date.now() + wait; Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, Math.min(1000, end - Date.now())));
      latest = await inspectService(manager, svc.ID);
      if (latest.UpdateStatus?.State) return { state, now: latest.UpdateStatus.State, asked };
      if (!(await hasOutdatedTasks(manager, latest))) return { state, now: '', asked };
    }
    await writeSpec(manager, latest, latest.Spec);
    asked++;
  }
  throw new FlotillaError(
    'TIMEOUT',
    `the engine has not restarted the update of ${svc.Spec.Name} after ${asked} asks over ${waits.reduce((a, b) => a + b, 0) / 1000} s (some of its tasks still run the older spec): run \`flotilla service resume ${svc.Spec.Name}\` again, or force an update to replace every task`,
  );
}

export async function removeService(manager: EngineConnection, ref: string): Promise<void> {
  const svc = await inspectService(manager, ref);
  await engineCall(() => manager.docker.getService(svc.ID).remove(), { kind: 'service', ref });
}
