// Dry run: what a deploy would create, update (field by field against the running spec) or remove.
import type Docker from 'dockerode';
import { convertConfigs, convertNetworks, convertSecrets, LABEL_IMAGE, LABEL_NAMESPACE } from './convert';
import { convertServices } from './deploy';
import type { ComposeConfig } from './model';

export interface FieldChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface PlanItem {
  kind: 'service' | 'network' | 'secret' | 'config';
  name: string;
  action: 'create' | 'update' | 'remove' | 'unchanged';
  changes: FieldChange[];
}

/** flattens JSON into dotted paths; arrays of scalars stay whole so reorderings read as one change */
export function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object')) out[prefix] = v;
    else v.forEach((x, i) => flatten(x, prefix ? `${prefix}.${i}` : String(i), out));
  } else if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length && prefix) out[prefix] = {};
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out[prefix] = v;
  return out;
}

// values the daemon fills in by itself: absent on our side and equal to these on the engine's side
const DAEMON_DEFAULTS: Record<string, unknown> = {
  'TaskTemplate.ForceUpdate': 0,
  'TaskTemplate.Runtime': 'container',
  'TaskTemplate.ContainerSpec.Isolation': 'default',
  'TaskTemplate.ContainerSpec.Privileges.NoNewPrivileges': false,
  'EndpointSpec.Mode': 'vip',
  'Mode.Replicated.Replicas': 1,
  'UpdateConfig.FailureAction': 'pause',
  'UpdateConfig.Order': 'stop-first',
  'RollbackConfig.FailureAction': 'pause',
  'RollbackConfig.Order': 'stop-first',
};

const isEmpty = (v: unknown) => v === undefined || v === null || v === 0 || v === false || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);

export function diffSpecs(current: unknown, desired: unknown): FieldChange[] {
  const a = flatten(current);
  const b = flatten(desired);
  const changes: FieldChange[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const from = a[k];
    const to = b[k];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    if (isEmpty(from) && isEmpty(to)) continue;
    if (to === undefined && DAEMON_DEFAULTS[k] === from) continue;
    if (/PublishMode$/.test(k) && to === undefined && from === 'ingress') continue;
    if (/Protocol$/.test(k) && to === undefined && from === 'tcp') continue;
    if (k.endsWith('ContainerSpec.Image') && typeof from === 'string' && typeof to === 'string' && from.replace(/@sha256:.*$/, '') === to) continue;
    changes.push({ path: k, from, to });
  }
  return changes;
}

export async function planStack(docker: Docker, stack: string, config: ComposeConfig, opts: { prune?: boolean; readFile: (p: string) => Buffer }): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  const filter = { filters: { label: [`${LABEL_NAMESPACE}=${stack}`] } };
  const nets = convertNetworks(stack, config);
  const haveNets = new Set(((await docker.listNetworks(filter)) as Array<{ Name: string }>).map((n) => n.Name));
  for (const name of Object.keys(nets.create)) items.push({ kind: 'network', name, action: haveNets.has(name) ? 'unchanged' : 'create', changes: [] });
  for (const [kind, specs] of [
    ['secret', convertSecrets(stack, config, opts.readFile)],
    ['config', convertConfigs(stack, config, opts.readFile)],
  ] as const) {
    const list = (kind === 'secret' ? await docker.listSecrets(filter) : await docker.listConfigs(filter)) as Array<{ Spec: { Name: string; Labels?: Record<string, string> } }>;
    const have = new Map(list.map((o) => [o.Spec.Name, o.Spec]));
    for (const s of specs) {
      const cur = have.get(s.Name);
      const changes = cur ? diffSpecs({ Labels: cur.Labels ?? {} }, { Labels: s.Labels }) : [];
      items.push({ kind, name: s.Name, action: !cur ? 'create' : changes.length ? 'update' : 'unchanged', changes });
    }
  }
  const existing = (await docker.listServices(filter)) as unknown as Array<{ Spec: Record<string, unknown> & { Name: string; Labels?: Record<string, string> } }>;
  const byName = new Map(existing.map((s) => [s.Spec.Name, s.Spec]));
  // the engine stores network IDs in the attachments; show them by name like the file does
  const netNames = new Map(((await docker.listNetworks()) as Array<{ Id: string; Name: string }>).map((n) => [n.Id, n.Name]));
  for (const spec of byName.values()) {
    const tt = spec.TaskTemplate as { Networks?: Array<{ Target: string }> } | undefined;
    for (const n of tt?.Networks ?? []) n.Target = netNames.get(n.Target) ?? n.Target;
  }
  for (const spec of await convertServices(docker, stack, config, true)) {
    const cur = byName.get(spec.Name);
    if (!cur) {
      items.push({ kind: 'service', name: spec.Name, action: 'create', changes: [] });
      continue;
    }
    if (cur.Labels?.[LABEL_IMAGE] === spec.Labels[LABEL_IMAGE]) spec.TaskTemplate.ContainerSpec.Image = ((cur.TaskTemplate as { ContainerSpec: { Image: string } }).ContainerSpec.Image);
    const changes = diffSpecs(cur, spec).filter((c) => !c.path.startsWith('TaskTemplate.Placement.Platforms'));
    items.push({ kind: 'service', name: spec.Name, action: changes.length ? 'update' : 'unchanged', changes });
  }
  if (opts.prune) {
    const wanted = new Set(config.services.map((s) => `${stack}_${s.name}`));
    for (const name of byName.keys()) if (!wanted.has(name)) items.push({ kind: 'service', name, action: 'remove', changes: [] });
  }
  return items;
}
