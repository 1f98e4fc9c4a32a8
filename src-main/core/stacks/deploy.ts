// `docker stack deploy` against an engine: networks, secrets, configs, then services (create or update with
// the version index), --prune, --resolve-image, registry auth, warnings and progress until converged.
import fs from 'node:fs';
import type Docker from 'dockerode';
import { FlotillaError } from '../../api/errors';
import { convertConfigs, convertNetworks, convertSecrets, LABEL_IMAGE, LABEL_NAMESPACE, ConvertError } from './convert';
import { convertService, type ObjectIds } from './convert-service';
import type { FileObjectSpec, ServiceSpec } from './engine-types';
import type { ComposeConfig } from './model';
import { familiarTagged, pinImage, registryAuthFor, type ResolveImage } from './registry';

export type DeployEvent =
  | { type: 'log'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'service'; service: string; action: 'create' | 'update' | 'remove'; id?: string }
  | { type: 'progress'; service: string; running: number; desired: number; state: 'converging' | 'converged' | 'failed'; errors: string[] };

export interface DeployOptions {
  stack: string;
  config: ComposeConfig;
  prune?: boolean;
  resolveImage?: ResolveImage;
  withRegistryAuth?: boolean;
  /** wait for every service to converge (default true) */
  wait?: boolean;
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  readFile?: (p: string) => Buffer;
  onEvent?: (e: DeployEvent) => void;
}

export interface DeployResult {
  services: Array<{ name: string; id: string; action: 'create' | 'update' }>;
  networks: string[];
  secrets: string[];
  configs: string[];
  warnings: string[];
}

const nsFilter = (stack: string) => ({ label: [`${LABEL_NAMESPACE}=${stack}`] });

/** docker-modem dial with `_query`/`_body` and an optional X-Registry-Auth, resolving the parsed JSON. */
function dial(docker: Docker, opts: Record<string, unknown>): Promise<unknown> {
  const modem = docker.modem as unknown as { dial(o: Record<string, unknown>, cb: (err: unknown, data: unknown) => void): void };
  const codes = opts.statusCodes as Record<number, boolean | string>;
  return new Promise((resolve, reject) =>
    modem.dial({ ...opts, statusCodes: { ...codes, 400: 'bad parameter', 404: 'no such service', 409: 'conflict', 500: 'server error', 503: 'node is not part of a swarm' } }, (err, data) => (err ? reject(err) : resolve(data))),
  );
}

export function validateStackName(stack: string): void {
  if (!stack.trim() || /^["'\s]*$/.test(stack)) throw new FlotillaError('BAD_INPUT', 'invalid stack name: give a name such as "web"');
}

const NOT_MANAGER = 'this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again';

/**
 * The docker CLI asks GET /info and checks Swarm.ControlAvailable. GET /swarm answers only where that is true (the
 * engine's isActiveManager; a worker or a node in no swarm gets 503) and costs a third of it (5 against 15 ms on the
 * lab, 60 ms as a connection's first request under load, where /info gathers the whole engine's state); the refusal
 * says what the CLI says.
 */
export async function ensureManager(docker: Docker): Promise<void> {
  try {
    await docker.swarmInspect();
  } catch (e) {
    if (statusOf(e) === 503) throw new FlotillaError('PRECONDITION', NOT_MANAGER);
    throw e; // unreachable, refused, timed out: as the callers already report an engine's failure
  }
}

function engineMessage(e: unknown): string {
  const x = e as { json?: { message?: string }; message?: string };
  return x.json?.message ?? x.message ?? String(e);
}

function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}

/** secrets or configs by exact name (the daemon's name filter matches prefixes) */
async function idsByName(docker: Docker, kind: 'secret' | 'config', names: string[]): Promise<Record<string, string>> {
  if (!names.length) return {};
  const list = (kind === 'secret' ? await docker.listSecrets({ filters: { name: names } }) : await docker.listConfigs({ filters: { name: names } })) as Array<{ ID: string; Spec: { Name: string } }>;
  return Object.fromEntries(list.filter((o) => names.includes(o.Spec.Name)).map((o) => [o.Spec.Name, o.ID]));
}

export function referencedObjectNames(stack: string, config: ComposeConfig): { secrets: string[]; configs: string[] } {
  const name = (objs: ComposeConfig['secrets'], src: string) => objs[src]?.name || `${stack}_${src}`;
  return {
    secrets: [...new Set(config.services.flatMap((s) => s.secrets.map((r) => name(config.secrets, r.source))))],
    configs: [...new Set(config.services.flatMap((s) => s.configs.map((r) => name(config.configs, r.source))))],
  };
}

/** converts every service (ids resolved from the engine; missing ones get a placeholder when `placeholder`) */
export async function convertServices(docker: Docker, stack: string, config: ComposeConfig, placeholder = false): Promise<ServiceSpec[]> {
  const refs = referencedObjectNames(stack, config);
  const ids: ObjectIds = { secrets: await idsByName(docker, 'secret', refs.secrets), configs: await idsByName(docker, 'config', refs.configs) };
  if (placeholder) {
    for (const n of refs.secrets) ids.secrets[n] ??= '(new)';
    for (const n of refs.configs) ids.configs[n] ??= '(new)';
  }
  return config.services.map((s) => {
    try {
      return convertService(stack, s, config, ids);
    } catch (e) {
      if (e instanceof ConvertError) throw new FlotillaError('BAD_INPUT', e.message);
      throw e;
    }
  });
}

async function upsertFileObject(docker: Docker, kind: 'secret' | 'config', spec: FileObjectSpec, emit: (e: DeployEvent) => void): Promise<void> {
  const get = kind === 'secret' ? docker.getSecret(spec.Name) : docker.getConfig(spec.Name);
  let existing: { Version: { Index: number } } | undefined;
  try {
    existing = (await get.inspect()) as { Version: { Index: number } };
  } catch (e) {
    if (statusOf(e) !== 404) throw new FlotillaError('ENGINE', `failed to inspect ${kind} ${spec.Name}: ${engineMessage(e)}`);
  }
  if (existing) {
    try {
      await get.update({ _query: { version: existing.Version.Index }, _body: spec } as never);
    } catch (e) {
      throw new FlotillaError('ENGINE', `failed to update ${kind} ${spec.Name}: ${engineMessage(e)}: the engine allows only label changes; give the ${kind} a new name (name:) to change its data`);
    }
    return;
  }
  emit({ type: 'log', message: `Creating ${kind} ${spec.Name}` });
  try {
    if (kind === 'secret') await docker.createSecret(spec);
    else await docker.createConfig(spec);
  } catch (e) {
    throw new FlotillaError('ENGINE', `failed to create ${kind} ${spec.Name}: ${engineMessage(e)}`);
  }
}

export async function deployStack(docker: Docker, opts: DeployOptions): Promise<DeployResult> {
  const { stack, config } = opts;
  validateStackName(stack);
  const emit = opts.onEvent ?? (() => undefined);
  const readFile = opts.readFile ?? ((p: string) => fs.readFileSync(p));
  const resolve = opts.resolveImage ?? 'always';
  const result: DeployResult = { services: [], networks: [], secrets: [], configs: [], warnings: [] };
  const warn = (m: string) => {
    result.warnings.push(m);
    emit({ type: 'warning', message: m });
  };
  const check = () => {
    if (opts.signal?.aborted) throw new FlotillaError('CANCELLED', 'deploy cancelled: what was already created stays; run the deploy again or `flotilla stack rm`');
  };
  // the manager check and the stack's two listings go out together (one round trip instead of three; nothing is
  // changed before the check has passed, and its refusal is the one reported)
  const [manager, services, networks] = await Promise.allSettled([ensureManager(docker), docker.listServices({ filters: nsFilter(stack) }), docker.listNetworks({ filters: nsFilter(stack) })]);
  if (manager.status === 'rejected') throw manager.reason;
  if (services.status === 'rejected') throw services.reason;
  if (networks.status === 'rejected') throw networks.reason;
  const existing = services.value as unknown as Array<{ ID: string; Version: { Index: number }; Spec: ServiceSpec & { TaskTemplate: { ForceUpdate?: number } } }>;

  if (opts.prune) {
    const wanted = new Set(config.services.map((s) => `${stack}_${s.name}`));
    for (const s of existing.filter((x) => !wanted.has(x.Spec.Name))) {
      emit({ type: 'log', message: `Removing service ${s.Spec.Name}` });
      emit({ type: 'service', service: s.Spec.Name, action: 'remove', id: s.ID });
      await docker.getService(s.ID).remove();
    }
  }

  // networks
  const nets = convertNetworks(stack, config);
  for (const name of nets.external) {
    let n: { Scope: string } | undefined;
    try {
      n = (await docker.getNetwork(name).inspect()) as { Scope: string };
    } catch (e) {
      if (statusOf(e) !== 404) throw new FlotillaError('ENGINE', engineMessage(e));
    }
    if (!n) throw new FlotillaError('NOT_FOUND', `network "${name}" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed`);
    if (n.Scope !== 'swarm') throw new FlotillaError('PRECONDITION', `network "${name}" is declared as external, but it is not in the right scope: "${n.Scope}" instead of "swarm"`);
  }
  const have = new Set((networks.value as Array<{ Name: string }>).map((n) => n.Name));
  for (const [name, create] of Object.entries(nets.create)) {
    check();
    if (have.has(name)) continue;
    emit({ type: 'log', message: `Creating network ${name}` });
    try {
      await docker.createNetwork({ Name: name, ...create, Driver: create.Driver || 'overlay' } as never);
    } catch (e) {
      throw new FlotillaError('ENGINE', `failed to create network ${name}: ${engineMessage(e)}`);
    }
    result.networks.push(name);
  }

  // secrets, then configs
  for (const spec of convertSecrets(stack, config, readFile)) {
    check();
    await upsertFileObject(docker, 'secret', spec, emit);
    result.secrets.push(spec.Name);
  }
  for (const spec of convertConfigs(stack, config, readFile)) {
    check();
    await upsertFileObject(docker, 'config', spec, emit);
    result.configs.push(spec.Name);
  }

  // services, concurrently (the CLI goes one by one in map order; the result is the same)
  const specs = await convertServices(docker, stack, config);
  const byName = new Map(existing.map((s) => [s.Spec.Name, s]));
  await Promise.all(
    specs.map(async (spec) => {
      check();
      const image = spec.Labels[LABEL_IMAGE];
      const auth = opts.withRegistryAuth ? await registryAuthFor(image) : undefined;
      const cur = byName.get(spec.Name);
      const cs = spec.TaskTemplate.ContainerSpec;
      if (cur) {
        const unchanged = cur.Spec.Labels?.[LABEL_IMAGE] === image;
        if (resolve === 'always' || (resolve === 'changed' && !unchanged)) await pin(spec, auth);
        else if (unchanged) cs.Image = (cur.Spec.TaskTemplate.ContainerSpec as { Image: string }).Image;
        else cs.Image = familiarTagged(cs.Image);
        if (cur.Spec.TaskTemplate.ForceUpdate) spec.TaskTemplate.ForceUpdate = cur.Spec.TaskTemplate.ForceUpdate;
        emit({ type: 'log', message: `Updating service ${spec.Name} (id: ${cur.ID})` });
        emit({ type: 'service', service: spec.Name, action: 'update', id: cur.ID });
        try {
          const res = (await dial(docker, { path: `/services/${cur.ID}/update?`, method: 'POST', options: { _query: { version: cur.Version.Index }, _body: spec }, ...(auth ? { authconfig: { base64: auth } } : {}), statusCodes: { 200: true } })) as { Warnings?: string[] | null };
          for (const w of res?.Warnings ?? []) warn(w);
        } catch (e) {
          throw new FlotillaError('ENGINE', `failed to update service ${spec.Name}: ${engineMessage(e)}`);
        }
        result.services.push({ name: spec.Name, id: cur.ID, action: 'update' });
      } else {
        if (resolve !== 'never') await pin(spec, auth);
        else cs.Image = familiarTagged(cs.Image);
        emit({ type: 'log', message: `Creating service ${spec.Name}` });
        let id: string;
        try {
          const created = (await dial(docker, { path: '/services/create?', method: 'POST', options: { _query: {}, _body: spec }, ...(auth ? { authconfig: { base64: auth } } : {}), statusCodes: { 200: true, 201: true } })) as { ID?: string; id?: string };
          id = created.id ?? created.ID ?? '';
        } catch (e) {
          throw new FlotillaError('ENGINE', `failed to create service ${spec.Name}: ${engineMessage(e)}`);
        }
        emit({ type: 'service', service: spec.Name, action: 'create', id });
        result.services.push({ name: spec.Name, id, action: 'create' });
      }
    }),
  );

  async function pin(spec: ServiceSpec, auth?: string): Promise<void> {
    const p = await pinImage(docker, spec.TaskTemplate.ContainerSpec.Image, auth);
    spec.TaskTemplate.ContainerSpec.Image = p.image;
    if (p.platforms?.length) spec.TaskTemplate.Placement = { ...spec.TaskTemplate.Placement, Platforms: p.platforms };
    if (p.warning) warn(p.warning);
  }

  if (opts.wait !== false) await waitConverged(docker, result.services, emit, opts.signal, opts.waitTimeoutMs ?? 300_000);
  return result;
}

interface TaskLite {
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Err?: string; Timestamp?: string };
}

/** polls tasks until every service runs its desired count, or a task fails, or the timeout passes */
export async function waitConverged(docker: Docker, services: Array<{ name: string; id: string }>, emit: (e: DeployEvent) => void, signal?: AbortSignal, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Map(services.map((s) => [s.id, s.name]));
  const last = new Map<string, string>();
  const nodes = ((await docker.listNodes()) as Array<{ Status?: { State?: string }; Spec?: { Availability?: string } }>).filter((n) => n.Status?.State === 'ready' && n.Spec?.Availability === 'active').length;
  while (pending.size) {
    if (signal?.aborted) throw new FlotillaError('CANCELLED', 'stopped waiting: the services keep converging on the swarm');
    for (const [id, name] of [...pending]) {
      const svc = (await docker.getService(id).inspect()) as { Spec: { Mode: { Replicated?: { Replicas?: number }; Global?: object; ReplicatedJob?: object; GlobalJob?: object } } };
      const mode = svc.Spec.Mode;
      const tasks = (await docker.listTasks({ filters: { service: [id] } })) as TaskLite[];
      const live = tasks.filter((t) => t.DesiredState === 'running');
      const running = live.filter((t) => t.Status.State === 'running').length;
      const desired = mode.Replicated ? (mode.Replicated.Replicas ?? 1) : mode.Global ? Math.max(live.length, nodes ? 1 : 0) : live.length;
      const errors = tasks.filter((t) => ['failed', 'rejected'].includes(t.Status.State) && t.Status.Err).map((t) => `${t.Status.State}: ${t.Status.Err}`);
      const uniqueErrors = [...new Set(errors)].slice(0, 5);
      const isJob = !!(mode.ReplicatedJob || mode.GlobalJob);
      let state: 'converging' | 'converged' | 'failed' = 'converging';
      if (isJob || (running >= desired && live.length === running)) state = 'converged';
      else if (uniqueErrors.length && Date.now() > deadline - timeoutMs + 15_000) state = 'failed';
      const key = `${state}/${running}/${desired}/${uniqueErrors.join('|')}`;
      if (last.get(id) !== key) {
        emit({ type: 'progress', service: name, running, desired, state, errors: uniqueErrors });
        last.set(id, key);
      }
      if (state !== 'converging') pending.delete(id);
    }
    if (!pending.size) break;
    if (Date.now() > deadline) {
      for (const name of pending.values()) emit({ type: 'progress', service: name, running: 0, desired: 0, state: 'failed', errors: ['timed out waiting for the service to converge'] });
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
