// What a stack deploy stored on the swarm, normalized for comparing two deploys of the same files (the docker
// CLI's and Flotilla's), and the clean-up between them. Shared by the stack differentials: the fixtures
// (stacks-differential.test.ts) and the generated sample (stacks-parity-deploy.test.ts).
import { flatten } from '../../src-main/core/stacks/plan';
import { nodeExec as labExec, type LabNode } from './lab';

export const NS = 'com.docker.stack.namespace';

export interface StackSnapshots {
  /** normalized services, networks, secrets and configs of every stack, keyed by stack name */
  snapshotAll(): Promise<Map<string, Record<string, unknown>>>;
  /** removes the stacks whose objects `mine` matches (its group 1 is the stack name) and waits until none is left */
  removeAll(): Promise<void>;
  /** pauses (no task starts: only stored specs) or activates every node */
  setAvailability(a: 'pause' | 'active'): Promise<void>;
}

/**
 * `ipamSubnet`: which IPAM subnets the files set (the daemon's own are left out of the comparison);
 * `mine`: ` <kind> <id> <name>` lines of this run's objects, group 1 the stack name
 */
export function stackSnapshots(node: LabNode, options: { ipamSubnet: (subnet: string) => boolean; mine: RegExp }): StackSnapshots {
  const MINE = options.mine;
  async function nodeExec(args: string[], input?: string): Promise<string> {
    const r = await labExec(node, args, input !== undefined ? { input } : {});
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }
  const nodeDocker = (args: string[]): Promise<string> => nodeExec(['docker', ...args]);
  type Kind = 'service' | 'network' | 'secret' | 'config';

  /** every stack-labelled object of a kind, inspected in one exec */
  async function inspectLabelled(kind: Kind): Promise<Array<Record<string, unknown>>> {
    // ls then inspect is not atomic: an object of a stack being removed (the engine removes networks a moment
    // after `stack rm` returns) can vanish in between; list again then
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await nodeExec(['sh', '-c', `ids=$(docker ${kind} ls -q --filter label=${NS}); [ -z "$ids" ] && echo '[]' || docker ${kind} inspect $ids`]);
        return JSON.parse(out) as Array<Record<string, unknown>>;
      } catch (e) {
        if (attempt >= 10 || !/No such/i.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  const labelsOf = (o: Record<string, unknown>): Record<string, string> => ((o.Spec as { Labels?: Record<string, string> } | undefined)?.Labels ?? (o.Labels as Record<string, string> | undefined) ?? {});

  async function inspectAllNetworks(): Promise<unknown[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return JSON.parse(await nodeExec(['sh', '-c', 'docker network inspect $(docker network ls -q)'])) as unknown[];
      } catch (e) {
        if (attempt >= 10 || !/No such/i.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** normalized services, networks, secrets and configs of every stack, keyed by stack name */
  async function snapshotAll(): Promise<Map<string, Record<string, unknown>>> {
    const [services, networks, secrets, configs] = await Promise.all((['service', 'network', 'secret', 'config'] as const).map(inspectLabelled));
    const allNets = (await inspectAllNetworks()) as Array<{ Id: string; Name: string }>;
    const netName = new Map(allNets.map((n) => [n.Id, n.Name]));
    const byStack = new Map<string, { services: unknown[]; networks: unknown[]; secrets: unknown[]; configs: unknown[] }>();
    const bucket = (o: Record<string, unknown>) => {
      const st = labelsOf(o)[NS];
      if (!byStack.has(st)) byStack.set(st, { services: [], networks: [], secrets: [], configs: [] });
      return byStack.get(st)!;
    };
    for (const s of services) {
      const spec = s.Spec as { TaskTemplate: { Networks?: Array<{ Target: string }>; ContainerSpec: { Secrets?: Array<Record<string, unknown>>; Configs?: Array<Record<string, unknown>> } } };
      for (const n of spec.TaskTemplate.Networks ?? []) n.Target = netName.get(n.Target) ?? n.Target;
      for (const r of [...(spec.TaskTemplate.ContainerSpec.Secrets ?? []), ...(spec.TaskTemplate.ContainerSpec.Configs ?? [])]) {
        delete r.SecretID;
        delete r.ConfigID;
      }
      bucket(s).services.push({ Spec: spec, EndpointSpec: (s.Endpoint as { Spec?: unknown } | undefined)?.Spec });
    }
    for (const n of networks) {
      const ipam = n.IPAM as { Driver: string; Options: unknown; Config: Array<{ Subnet?: string }> | null };
      const opts = { ...((n.Options as Record<string, string> | null) ?? {}) };
      delete opts['com.docker.network.driver.overlay.vxlanid_list'];
      bucket(n).networks.push({
        Name: n.Name,
        Driver: n.Driver,
        Scope: n.Scope,
        Internal: n.Internal,
        Attachable: n.Attachable,
        Ingress: n.Ingress,
        EnableIPv6: n.EnableIPv6,
        Options: opts,
        Labels: n.Labels,
        IPAM: { Driver: ipam.Driver, Options: ipam.Options, Config: (ipam.Config ?? []).filter((c) => (c.Subnet ? options.ipamSubnet(c.Subnet) : false)).map((c) => ({ Subnet: c.Subnet })) },
      });
    }
    for (const o of secrets) bucket(o).secrets.push({ Spec: o.Spec });
    for (const o of configs) bucket(o).configs.push({ Spec: o.Spec });
    const sorted = (list: unknown[]) => list.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    const out = new Map<string, Record<string, unknown>>();
    for (const [st, v] of byStack) {
      const snap = { services: sorted(v.services), networks: sorted(v.networks), secrets: sorted(v.secrets), configs: sorted(v.configs) };
      out.set(st, JSON.parse(JSON.stringify(snap).split(st).join('STACK')) as Record<string, unknown>);
    }
    return out;
  }

  /** removes this run's stacks and waits (up to a minute) until nothing of them is left */
  async function removeAll(): Promise<void> {
    const ghosts = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const left = await nodeExec(['sh', '-c', `for k in service secret config network; do docker $k ls --filter label=${NS} --format "$k {{.ID}} {{.Name}}"; done`]);
      const mine = left.split('\n').filter((l) => MINE.test(l) && !ghosts.has(l));
      if (!mine.length) return;
      const stacks = [...new Set(mine.map((l) => MINE.exec(l)?.[1]).filter(Boolean))];
      if (stacks.length) await nodeExec(['sh', '-c', `docker28 stack rm ${stacks.join(' ')} >/dev/null 2>&1; true`]);
      for (const l of mine) {
        const [kind, id] = l.split(' ');
        const r = await labExec(node, ['docker', kind, 'rm', id]);
        if (r.code !== 0 && /not found/i.test(r.stderr) && kind === 'network') ghosts.add(l);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function setAvailability(a: 'pause' | 'active'): Promise<void> {
    const ids = (await nodeDocker(['node', 'ls', '-q'])).split('\n').filter(Boolean);
    for (const id of ids) await nodeDocker(['node', 'update', '--availability', a, id]);
  }
  return { snapshotAll, removeAll, setAvailability };
}

/** the paths where two snapshots differ, with both values */
export function diffSpecs(a: unknown, b: unknown): Array<{ path: string; from: unknown; to: unknown }> {
  const fa = flatten(a);
  const fb = flatten(b);
  return [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((k) => JSON.stringify(fa[k]) !== JSON.stringify(fb[k])).map((k) => ({ path: k, from: fa[k], to: fb[k] }));
}

export async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
  }));
}
