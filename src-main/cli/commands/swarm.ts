// Swarm verbs: `flotilla swarm|node|service|exec|secret|config|network|volume|events`, docker-CLI-like.
// The engine chosen by -H / --machine / DOCKER_HOST is the manager; nodes' own engines (task logs, exec,
// volumes, leave) are reached over SSH (ssh://root@ADDR with --ssh-key) or, with TLS flags, tcp://ADDR:2376.
import fs from 'node:fs';
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { ServiceCreateInput, ServiceUpdateInput, Task, ModelEvent, ClusterModel, LogLine } from '../../api/domains/swarm';
import { action, commandWords, globals, intArg, machineNodeTarget, output, progress, table, withEngine, type GlobalOptions } from '../context';
import { connectEngine, parseEngineUrl } from '../../core/engine';
import * as sw from '../../core/swarm';
import type { Cluster } from '../../core/swarm';
import { applyChanges } from '../../core/swarm/cluster-model';
import { digits, LogPrefixer } from '../service-log-prefix';

interface LogsFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
  taskIds?: boolean;
  resolve?: boolean;
  trunc?: boolean;
  raw?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function nodeUrl(g: GlobalOptions, addr: string): string {
  return g.tlscacert || g.tlscert ? `tcp://${addr}:2376` : `ssh://root@${addr}`;
}

/** Runs fn with the manager (global flags) and a pooled connector to the nodes' engines. */
export async function withCluster<T>(cmd: Command, fn: (c: Cluster) => Promise<T>): Promise<T> {
  const g = globals(cmd);
  const pool = sw.pooledConnector(async (node) => {
    // with --machine the nodes are the store's machines (their own TLS material), else -H's transport by address
    const machine = g.machine ? await machineNodeTarget(node) : undefined;
    return connectEngine(machine ?? parseEngineUrl(nodeUrl(g, node.addr), { tlscacert: g.tlscacert, tlscert: g.tlscert, tlskey: g.tlskey, sshKey: g.sshKey }));
  });
  try {
    return await withEngine(cmd, (manager) => fn({ manager, connectNode: pool.connectNode }));
  } finally {
    await pool.close();
  }
}

function endpointFor(g: GlobalOptions, url: string): sw.NodeEndpoint {
  const target = parseEngineUrl(url, { tlscacert: g.tlscacert, tlscert: g.tlscert, tlskey: g.tlskey, sshKey: g.sshKey });
  const name = target.kind === 'tcp' || target.kind === 'ssh' ? target.host : url;
  return { name, connect: () => connectEngine(target) };
}

const short = (id: string | undefined): string => (id ?? '').slice(0, 12);
const gib = (b: number): string => (b ? `${(b / 2 ** 30).toFixed(1)} GiB` : '');
function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.round(s)} seconds ago`;
  if (s < 3600) return `${Math.round(s / 60)} minutes ago`;
  if (s < 86400) return `${Math.round(s / 3600)} hours ago`;
  return `${Math.round(s / 86400)} days ago`;
}
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function registerSwarmVerbs(program: Command): void {
  const swarm = program.command('swarm').description('swarm membership of the engine: init, join, leave, tokens, settings, create');
  swarm
    .command('init')
    .description('initialise a swarm on the engine (advertise address chosen from the addresses peers reach)')
    .option('--advertise-addr <ip>', 'address advertised to other nodes')
    .action(
      action(async (o: { advertiseAddr?: string }, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const r = await sw.swarmInit(conn, o);
          output(cmd, r, () => `Swarm initialized: current node (${r.nodeId}) is now a manager${r.advertiseAddr ? ` advertising ${r.advertiseAddr}` : ''}.\nAdd nodes with \`flotilla swarm join --manager URL\` or \`flotilla swarm create\`.`);
        });
      }),
    );
  swarm
    .command('join')
    .description('join the engine to the swarm of a manager (the token is fetched from it, never printed)')
    .requiredOption('--manager <url>', 'a manager engine URL (ssh://, tcp://, unix://); same TLS/SSH flags')
    .option('--role <role>', 'worker or manager', 'worker')
    .option('--advertise-addr <ip>', 'address advertised to other nodes')
    .action(
      action(async (o: { manager: string; role: string; advertiseAddr?: string }, cmd: Command) => {
        if (o.role !== 'worker' && o.role !== 'manager') throw new FlotillaError('BAD_INPUT', `invalid --role "${o.role}": expected worker or manager`);
        const g = globals(cmd);
        const mgr = await connectEngine(parseEngineUrl(o.manager, { tlscacert: g.tlscacert, tlscert: g.tlscert, tlskey: g.tlskey, sshKey: g.sshKey }));
        try {
          await withEngine(cmd, async (conn) => {
            const r = await sw.swarmJoin(conn, mgr, o.role as 'worker' | 'manager', { advertiseAddr: o.advertiseAddr });
            output(cmd, r, () => `This node (${r.nodeId}) joined the swarm as a ${o.role}.`);
          });
        } finally {
          await mgr.close();
        }
      }),
    );
  swarm
    .command('leave')
    .description('leave the swarm (a manager needs --force; the last manager destroys the swarm with --force)')
    .option('-f, --force', 'leave even as a manager')
    .action(
      action(async (o: { force?: boolean }, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          await sw.swarmLeave(conn, o);
          output(cmd, { ok: true }, () => 'Node left the swarm.');
        });
      }),
    );
  swarm
    .command('join-token')
    .description('print the join token for worker or manager (shown only because you asked)')
    .argument('<role>', 'worker or manager')
    .option('--rotate', 'rotate the token first')
    .option('-q, --quiet', 'only the token')
    .action(
      action(async (role: string, o: { rotate?: boolean; quiet?: boolean }, cmd: Command) => {
        if (role !== 'worker' && role !== 'manager') throw new FlotillaError('BAD_INPUT', `invalid role "${role}": expected worker or manager`);
        await withEngine(cmd, async (conn) => {
          const r = await sw.joinToken(conn, role, o.rotate);
          output(cmd, r, () => (o.quiet ? r.token : `To add a ${role} to this swarm, run on it:\n\n    docker swarm join --token ${r.token} ${r.managerAddr}\n`));
        });
      }),
    );
  swarm
    .command('update')
    .description('swarm settings: task history limit, certificate expiry, autolock')
    .option('--task-history-limit <n>', 'tasks kept per slot', intArg('--task-history-limit', 0, 10_000))
    .option('--cert-expiry <duration>', 'node certificate validity, e.g. 2160h')
    .option('--autolock <bool>', 'true or false')
    .action(
      action(async (o: { taskHistoryLimit?: number; certExpiry?: string; autolock?: string }, cmd: Command) => {
        if (o.autolock !== undefined && o.autolock !== 'true' && o.autolock !== 'false') throw new FlotillaError('BAD_INPUT', `invalid --autolock "${o.autolock}": expected true or false`);
        if (o.taskHistoryLimit === undefined && !o.certExpiry && o.autolock === undefined) throw new FlotillaError('BAD_INPUT', 'nothing to update: give --task-history-limit, --cert-expiry or --autolock');
        await withEngine(cmd, async (conn) => {
          const r = await sw.swarmUpdate(conn, { taskHistoryLimit: o.taskHistoryLimit, certExpiry: o.certExpiry, autolock: o.autolock === undefined ? undefined : o.autolock === 'true' });
          output(cmd, r, () => (r.unlockKey ? `Swarm updated.\nTo unlock a swarm manager after it restarts, use this key (keep it safe):\n\n    ${r.unlockKey}\n` : 'Swarm updated.'));
        });
      }),
    );
  swarm
    .command('create')
    .description('build a swarm from engines in one action: init on the first manager, join the rest; re-run to finish a partial swarm')
    .requiredOption('--manager <url>', 'a manager engine URL (repeat; the first one inits)', collect)
    .option('--worker <url>', 'a worker engine URL (repeat)', collect)
    .action(
      action(async (o: { manager: string[]; worker?: string[] }, cmd: Command) => {
        const g = globals(cmd);
        const r = await sw.createSwarm({
          managers: o.manager.map((u) => endpointFor(g, u)),
          workers: (o.worker ?? []).map((u) => endpointFor(g, u)),
          onProgress: (p) => {
            if (p.status !== 'start' || !g.json) progress(`${p.status === 'skipped' ? '=' : p.status === 'done' ? '✓' : '…'} ${p.message}`);
          },
        });
        output(cmd, r, () => `${table(['NODE', 'ID', 'ROLE', 'ACTION', 'ADDRESS'], r.nodes.map((n) => [n.name, short(n.nodeId), n.role, n.action, n.advertiseAddr]))}\nswarm ${short(r.clusterId)} ready, managers reachable at ${r.managerAddr}`);
      }),
    );
}

function registerNodeVerbs(program: Command): void {
  const node = program.command('node').description('swarm nodes (through a manager)');
  node
    .command('ls')
    .description('list nodes: role, leader, availability, status, engine, address, CPU, memory, labels')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const info = await sw.swarmInfo(conn);
          const nodes = await sw.listNodes(conn);
          output(cmd, nodes, () =>
            table(
              ['ID', 'HOSTNAME', 'STATUS', 'AVAILABILITY', 'MANAGER STATUS', 'ENGINE VERSION', 'ADDRESS', 'CPUS', 'MEMORY', 'LABELS'],
              nodes.map((n) => [
                `${n.id.slice(0, 25)}${n.id === info.nodeId ? ' *' : ''}`,
                n.hostname,
                cap(n.status),
                cap(n.availability),
                n.role === 'manager' ? (n.leader ? 'Leader' : cap(n.reachability ?? '')) : '',
                n.engineVersion,
                n.addr,
                n.cpus,
                gib(n.memoryBytes),
                Object.entries(n.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(','),
              ]),
            ),
          );
        });
      }),
    );
  node
    .command('inspect')
    .argument('<node...>', 'node id, hostname or id prefix')
    .description('node details as the engine has them')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const list = [];
          for (const r of refs) list.push(await sw.inspectNode(conn, r));
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        });
      }),
    );
  for (const [verb, availability] of [
    ['drain', 'drain'],
    ['pause', 'pause'],
    ['activate', 'active'],
  ] as const) {
    node
      .command(verb)
      .argument('<node...>', 'node id, hostname or id prefix')
      .description(`set availability to ${availability}`)
      .action(
        action(async (refs: string[], _o: unknown, cmd: Command) => {
          await withEngine(cmd, async (conn) => {
            const out: Array<Awaited<ReturnType<typeof sw.setAvailability>>> = [];
            for (const r of refs) out.push(await sw.setAvailability(conn, r, availability));
            output(cmd, out, () => out.map((n) => `${n.hostname}: ${n.availability}`).join('\n'));
          });
        }),
      );
  }
  for (const [verb, role] of [
    ['promote', 'manager'],
    ['demote', 'worker'],
  ] as const) {
    node
      .command(verb)
      .argument('<node...>', 'node id, hostname or id prefix')
      .description(`make the node a ${role} (refuses the last manager; warns on even counts or lost quorum with the raft arithmetic)`)
      .action(
        action(async (refs: string[], _o: unknown, cmd: Command) => {
          await withEngine(cmd, async (conn) => {
            const out: Array<Awaited<ReturnType<typeof sw.setRole>>> = [];
            for (const r of refs) {
              const res = await sw.setRole(conn, r, role);
              for (const w of res.quorum.warnings) progress(`warning: ${w}`);
              out.push(res);
            }
            output(cmd, out, () => out.map((r) => `Node ${r.node.hostname} is now a ${role} (${r.quorum.arithmetic}).`).join('\n'));
          });
        }),
      );
  }
  const label = node.command('label').description('node labels');
  label
    .command('add')
    .argument('<node>')
    .argument('<label...>', 'KEY=VALUE')
    .action(
      action(async (ref: string, labels: string[], _o: unknown, cmd: Command) => {
        const add: Record<string, string> = {};
        for (const l of labels) {
          const i = l.indexOf('=');
          if (i <= 0) throw new FlotillaError('BAD_INPUT', `invalid label "${l}": expected KEY=VALUE`);
          add[l.slice(0, i)] = l.slice(i + 1);
        }
        await withEngine(cmd, async (conn) => {
          const n = await sw.labelNode(conn, ref, add);
          output(cmd, n, () => `${n.hostname}: ${Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(', ')}`);
        });
      }),
    );
  label
    .command('rm')
    .argument('<node>')
    .argument('<key...>')
    .action(
      action(async (ref: string, keys: string[], _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const n = await sw.labelNode(conn, ref, {}, keys);
          output(cmd, n, () => `${n.hostname}: ${Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(', ') || '(no labels)'}`);
        });
      }),
    );
  node
    .command('rm')
    .argument('<node>', 'node id, hostname or id prefix')
    .description('remove a node: a down one directly; an up one by drain, leave on that node, then remove')
    .option('-f, --force', 'remove an up node without the guided path')
    .action(
      action(async (ref: string, o: { force?: boolean }, cmd: Command) => {
        await withCluster(cmd, async (c) => {
          const r = await sw.removeNode(c, ref, { force: o.force, onStep: globals(cmd).json ? undefined : (s) => progress(s) });
          output(cmd, r, () => '');
        });
      }),
    );
}

function parseCreate(image: string, args: string[], o: Record<string, unknown>): ServiceCreateInput {
  const num = (v: unknown, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const s = String(v);
    if (!/^\d+$/.test(s)) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${s}": expected a whole number from 0 upwards`);
    return Number(s);
  };
  const fl = (v: unknown, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${String(v)}": expected a positive number like 0.5`);
    return n;
  };
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const a = (k: string): string[] | undefined => o[k] as string[] | undefined;
  return {
    image,
    ...(args.length ? { args } : {}),
    name: s('name'),
    replicas: num(o.replicas, '--replicas'),
    mode: s('mode') as ServiceCreateInput['mode'],
    publish: a('publish'),
    env: a('env'),
    mounts: a('mount'),
    networks: a('network'),
    constraints: a('constraint'),
    placementPrefs: a('placementPref'),
    labels: a('label'),
    containerLabels: a('containerLabel'),
    secrets: a('secret'),
    configs: a('config'),
    updateParallelism: num(o.updateParallelism, '--update-parallelism'),
    updateDelay: s('updateDelay'),
    updateFailureAction: s('updateFailureAction') as ServiceCreateInput['updateFailureAction'],
    updateOrder: s('updateOrder') as ServiceCreateInput['updateOrder'],
    updateMonitor: s('updateMonitor'),
    rollbackParallelism: num(o.rollbackParallelism, '--rollback-parallelism'),
    rollbackDelay: s('rollbackDelay'),
    rollbackFailureAction: s('rollbackFailureAction') as ServiceCreateInput['rollbackFailureAction'],
    rollbackOrder: s('rollbackOrder') as ServiceCreateInput['rollbackOrder'],
    restartCondition: s('restartCondition') as ServiceCreateInput['restartCondition'],
    restartDelay: s('restartDelay'),
    restartMaxAttempts: num(o.restartMaxAttempts, '--restart-max-attempts'),
    limitCpu: fl(o.limitCpu, '--limit-cpu'),
    limitMemory: s('limitMemory'),
    reserveCpu: fl(o.reserveCpu, '--reserve-cpu'),
    reserveMemory: s('reserveMemory'),
    healthCmd: s('healthCmd'),
    healthInterval: s('healthInterval'),
    healthTimeout: s('healthTimeout'),
    healthRetries: num(o.healthRetries, '--health-retries'),
    noHealthcheck: Boolean(o.noHealthcheck),
    workdir: s('workdir'),
    user: s('user'),
    hostname: s('hostname'),
    stopGracePeriod: s('stopGracePeriod'),
  };
}

function checkEnum(v: string | undefined, flag: string, allowed: string[]): void {
  if (v !== undefined && !allowed.includes(v)) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": expected ${allowed.join(', ')}`);
}

function psTable(tasks: Task[], nodes: Map<string, string>, noTrunc = false): string {
  const rows = sw.psRows(tasks);
  return table(
    ['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORTS'],
    rows.map((r) => [
      short(r.task.id),
      r.name,
      r.task.image,
      r.task.nodeId ? (nodes.get(r.task.nodeId) ?? short(r.task.nodeId)) : '',
      cap(r.task.desiredState),
      `${cap(r.task.state)} ${ago(r.task.timestamps.status)}`,
      r.task.error ? (noTrunc ? `"${r.task.error}"` : `"${r.task.error.slice(0, 30)}${r.task.error.length > 30 ? '…' : ''}"`) : '',
      '',
    ]),
  );
}

function registerServiceVerbs(program: Command): void {
  const service = program.command('service').description('swarm services (through a manager)')
    // `service create IMAGE CMD...` passes CMD's options through; commander wants this on the parent for that
    .enablePositionalOptions();
  service
    .command('ls')
    .description('list services: mode, running/desired, image, ports, update status')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const list = await sw.listServices(conn);
          output(cmd, list, () =>
            table(
              ['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS', 'UPDATE'],
              list.map((s) => [
                short(s.id),
                s.name,
                s.mode,
                `${s.replicas.running}/${s.replicas.desired}`,
                s.image,
                s.ports.map((p) => `${p.published ? `*:${p.published}->` : ''}${p.target}/${p.protocol}${p.mode === 'host' ? ' (host)' : ''}`).join(', '),
                s.updateStatus ? `${s.updateStatus.state}${s.updateStatus.progress ? ` ${s.updateStatus.progress.n}/${s.updateStatus.progress.m}` : ''}` : '',
              ]),
            ),
          );
        });
      }),
    );
  service
    .command('ps')
    .argument('<service...>', 'service name or id')
    .description('task history of services, with errors; older tasks of a slot shown as \\_')
    .option('--no-trunc', 'full error messages')
    .action(
      action(async (refs: string[], o: { trunc?: boolean }, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const tasks: Task[] = [];
          for (const r of refs) {
            const svc = await sw.inspectService(conn, r);
            tasks.push(...(await sw.listTasks(conn, { serviceId: svc.ID })));
          }
          const nodes = new Map((await sw.listNodes(conn)).map((n) => [n.id, n.hostname]));
          output(cmd, tasks, () => psTable(tasks, nodes, o.trunc === false));
        });
      }),
    );
  const create = service
    .command('create')
    .argument('<image>', 'image')
    .argument('[command...]', 'command and its arguments: everything after IMAGE, options included, as in docker')
    .description('create a service (docker service create flags)')
    .passThroughOptions()
    .option('--name <name>', 'service name')
    .option('--replicas <n>', 'number of tasks')
    .option('--mode <mode>', 'replicated or global')
    .option('-p, --publish <spec>', 'PUBLISHED:TARGET[/proto] or published=..,target=..,mode=host', collect)
    .option('-e, --env <K=V>', 'environment variable', collect)
    .option('--mount <spec>', 'type=volume|bind|tmpfs,source=..,target=..[,readonly]', collect)
    .option('--network <name>', 'attach to a network', collect)
    .option('--constraint <expr>', 'placement constraint, e.g. node.role==worker', collect)
    .option('--placement-pref <pref>', 'spread=node.labels.KEY', collect)
    .option('-l, --label <K=V>', 'service label', collect)
    .option('--container-label <K=V>', 'container label', collect)
    .option('--secret <spec>', 'NAME or source=NAME,target=PATH[,mode=0400]', collect)
    .option('--config <spec>', 'NAME or source=NAME,target=PATH', collect)
    .option('--update-parallelism <n>', 'tasks updated at once')
    .option('--update-delay <d>', 'delay between update batches, e.g. 10s')
    .option('--update-failure-action <a>', 'pause, continue or rollback')
    .option('--update-order <o>', 'stop-first or start-first')
    .option('--update-monitor <d>', 'time to watch each task after update')
    .option('--rollback-parallelism <n>', 'tasks rolled back at once')
    .option('--rollback-delay <d>', 'delay between rollback batches')
    .option('--rollback-failure-action <a>', 'pause or continue')
    .option('--rollback-order <o>', 'stop-first or start-first')
    .option('--restart-condition <c>', 'none, on-failure or any')
    .option('--restart-delay <d>', 'delay between restarts')
    .option('--restart-max-attempts <n>', 'give up after N restarts')
    .option('--limit-cpu <cpus>', 'CPU limit, e.g. 0.5')
    .option('--limit-memory <size>', 'memory limit, e.g. 256m')
    .option('--reserve-cpu <cpus>', 'CPU reservation')
    .option('--reserve-memory <size>', 'memory reservation')
    .option('--health-cmd <cmd>', 'healthcheck command (shell)')
    .option('--health-interval <d>', 'healthcheck interval')
    .option('--health-timeout <d>', 'healthcheck timeout')
    .option('--health-retries <n>', 'failures before unhealthy')
    .option('--no-healthcheck', 'disable the image healthcheck')
    .option('-w, --workdir <dir>', 'working directory')
    .option('-u, --user <user>', 'user')
    .option('--hostname <name>', 'container hostname')
    .option('--stop-grace-period <d>', 'time before SIGKILL')
    .option('-d, --detach', 'return at once (default)');
  create.action(
    action(async (image: string, args: string[], o: Record<string, unknown>, cmd: Command) => {
      checkEnum(o.mode as string | undefined, '--mode', ['replicated', 'global']);
      checkEnum(o.updateFailureAction as string | undefined, '--update-failure-action', ['pause', 'continue', 'rollback']);
      checkEnum(o.rollbackFailureAction as string | undefined, '--rollback-failure-action', ['pause', 'continue']);
      checkEnum(o.updateOrder as string | undefined, '--update-order', ['stop-first', 'start-first']);
      checkEnum(o.rollbackOrder as string | undefined, '--rollback-order', ['stop-first', 'start-first']);
      checkEnum(o.restartCondition as string | undefined, '--restart-condition', ['none', 'on-failure', 'any']);
      // commander's --no-healthcheck defaults `healthcheck` to true
      const input = parseCreate(image, commandWords(args), { ...o, noHealthcheck: o.healthcheck === false });
      await withEngine(cmd, async (conn) => {
        const r = await sw.createService(conn, input);
        output(cmd, r, () => r.id);
      });
    }),
  );
  service
    .command('scale')
    .argument('<service=replicas...>', 'e.g. web=5')
    .description('set replica counts')
    .action(
      action(async (pairs: string[], _o: unknown, cmd: Command) => {
        const parsed = pairs.map((p) => {
          const m = /^([^=]+)=(.*)$/.exec(p);
          if (!m) throw new FlotillaError('BAD_INPUT', `invalid scale "${p}": expected SERVICE=REPLICAS`);
          if (!/^\d+$/.test(m[2])) throw new FlotillaError('BAD_INPUT', `invalid replicas "${m[2]}" for ${m[1]}: expected a whole number from 0 upwards`);
          return { service: m[1], replicas: Number(m[2]) };
        });
        await withEngine(cmd, async (conn) => {
          for (const p of parsed) await sw.scaleService(conn, p.service, p.replicas);
          output(cmd, parsed, () => parsed.map((p) => `${p.service} scaled to ${p.replicas}`).join('\n'));
        });
      }),
    );
  service
    .command('update')
    .argument('<service>')
    .description('update a service: image, env, ports, replicas, labels, constraints, update config, --force')
    .option('--image <image>', 'new image')
    .option('--args <cmd>', 'new command (shell words split on spaces)')
    .option('--replicas <n>', 'number of tasks')
    .option('--env-add <K=V>', 'add or change an env variable', collect)
    .option('--env-rm <K>', 'remove an env variable', collect)
    .option('--publish-add <spec>', 'publish a port', collect)
    .option('--publish-rm <spec>', 'unpublish a port (target or full spec)', collect)
    .option('--label-add <K=V>', 'add a service label', collect)
    .option('--label-rm <K>', 'remove a service label', collect)
    .option('--constraint-add <expr>', 'add a constraint', collect)
    .option('--constraint-rm <expr>', 'remove a constraint', collect)
    .option('--update-parallelism <n>', 'tasks updated at once')
    .option('--update-delay <d>', 'delay between batches')
    .option('--update-failure-action <a>', 'pause, continue or rollback')
    .option('--update-order <o>', 'stop-first or start-first')
    .option('--force', 'redeploy tasks even without a change')
    .action(
      action(async (ref: string, o: Record<string, unknown>, cmd: Command) => {
        const num = (v: unknown, flag: string): number | undefined => {
          if (v === undefined) return undefined;
          if (!/^\d+$/.test(String(v))) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${String(v)}": expected a whole number from 0 upwards`);
          return Number(v);
        };
        checkEnum(o.updateFailureAction as string | undefined, '--update-failure-action', ['pause', 'continue', 'rollback']);
        checkEnum(o.updateOrder as string | undefined, '--update-order', ['stop-first', 'start-first']);
        const u: ServiceUpdateInput = {
          image: o.image as string | undefined,
          args: o.args ? String(o.args).split(/\s+/).filter(Boolean) : undefined,
          replicas: num(o.replicas, '--replicas'),
          envAdd: o.envAdd as string[] | undefined,
          envRm: o.envRm as string[] | undefined,
          publishAdd: o.publishAdd as string[] | undefined,
          publishRm: o.publishRm as string[] | undefined,
          labelAdd: o.labelAdd as string[] | undefined,
          labelRm: o.labelRm as string[] | undefined,
          constraintAdd: o.constraintAdd as string[] | undefined,
          constraintRm: o.constraintRm as string[] | undefined,
          updateParallelism: num(o.updateParallelism, '--update-parallelism'),
          updateDelay: o.updateDelay as string | undefined,
          updateFailureAction: o.updateFailureAction as ServiceUpdateInput['updateFailureAction'],
          updateOrder: o.updateOrder as ServiceUpdateInput['updateOrder'],
          force: Boolean(o.force),
        };
        await withEngine(cmd, async (conn) => {
          const r = await sw.updateService(conn, ref, u);
          for (const w of r.warnings) progress(`warning: ${w}`);
          output(cmd, r, () => ref);
        });
      }),
    );
  service
    .command('rollback')
    .argument('<service>')
    .description('roll back to the previous spec')
    .action(
      action(async (ref: string, _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          await sw.rollbackService(conn, ref);
          output(cmd, { ok: true, service: ref }, () => ref);
        });
      }),
    );
  service
    .command('rm')
    .argument('<service...>')
    .description('remove services')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          for (const r of refs) await sw.removeService(conn, r);
          output(cmd, { removed: refs }, () => refs.join('\n'));
        });
      }),
    );
  service
    .command('inspect')
    .argument('<service...>')
    .description('service details as the engine has them')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const list = [];
          for (const r of refs) list.push(await sw.inspectService(conn, r));
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        });
      }),
    );
  service
    .command('logs')
    .argument('<service|task>', 'a service (all its tasks) or a task id (read from its node)')
    .description('logs; stdout to stdout, stderr to stderr')
    .option('-f, --follow', 'follow new lines')
    .option('-n, --tail <n>', 'lines from the end ("all" by default)')
    .option('--since <t>', 'since a timestamp or relative time (10m)')
    .option('--until <t>', 'until a timestamp or relative time')
    .option('-t, --timestamps', 'show timestamps')
    .option('--no-task-ids', 'no task IDs in the prefix')
    .option('--no-resolve', 'service and node IDs in the prefix instead of names')
    .option('--no-trunc', 'full task IDs in the prefix')
    .option('--raw', 'no prefix at all')
    .action(
      action(async (ref: string, o: LogsFlags, cmd: Command) => {
        if (o.tail !== undefined && o.tail !== 'all' && !/^\d+$/.test(o.tail)) throw new FlotillaError('BAD_INPUT', `invalid --tail "${o.tail}": expected a number or all`);
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        const json = globals(cmd).json;
        const opts = { follow: o.follow, tail: o.tail === undefined || o.tail === 'all' ? undefined : Number(o.tail), since: o.since, until: o.until, timestamps: o.timestamps, signal: ac.signal };
        try {
          await withCluster(cmd, async (c) => {
            const svc = await sw.inspectService(c.manager, ref).catch(() => undefined);
            const replicas = svc?.Spec.Mode?.Replicated?.Replicas;
            // docker pads slots to the replica count's digits; a task's logs to its own slot's
            const width = svc ? (replicas === undefined ? 1 : digits(replicas)) : o.raw || json ? 1 : digits((await sw.resolveTask(c.manager, ref).catch(() => undefined))?.Slot ?? 0);
            const prefixer = new LogPrefixer(c.manager, width, { noResolve: o.resolve === false, noTrunc: o.trunc === false, noTaskIds: o.taskIds === false });
            // names are looked up asynchronously: a chain keeps the lines in the order they came
            let printed: Promise<void> = Promise.resolve();
            let failure: unknown;
            const print = (l: LogLine): void => {
              if (json) return void process.stdout.write(JSON.stringify(l) + '\n');
              const write = (prefix: string): void => void (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${l.timestamp ? l.timestamp + ' ' : ''}${prefix}${l.line}\n`);
              printed = printed
                .then(async () => {
                  if (failure === undefined) write(o.raw || !l.taskId || !l.nodeId ? '' : await prefixer.prefix(l.taskId, l.nodeId));
                })
                .catch((e: unknown) => {
                  failure ??= e;
                  ac.abort();
                });
            };
            if (svc) await sw.serviceLogs(c.manager, svc.ID, opts, print);
            else await sw.taskLogs(c, ref, opts, print).catch((e: unknown) => {
              if (e instanceof FlotillaError && e.code === 'NOT_FOUND') throw new FlotillaError('NOT_FOUND', `no such service or task: ${ref}`);
              throw e;
            });
            await printed;
            if (failure !== undefined) throw failure;
          });
        } finally {
          process.off('SIGINT', stop);
        }
      }),
    );
}

function registerOtherVerbs(program: Command): void {
  program
    .command('exec')
    .argument('<target>', 'a task id, or a service (its first running task)')
    .argument('<command...>', 'command and its arguments: everything after TARGET, options included, as in docker exec')
    .description("run a command in a task's container on whichever node runs it; exits with its exit code")
    .passThroughOptions()
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a TTY')
    .option('-u, --user <user>', 'user')
    .option('-w, --workdir <dir>', 'working directory')
    .option('-e, --env <K=V>', 'environment variable', collect)
    .action(
      action(async (target: string, words: string[], o: { interactive?: boolean; tty?: boolean; user?: string; workdir?: string; env?: string[] }, cmd: Command) => {
        const argv = commandWords(words);
        if (!argv.length) throw new FlotillaError('BAD_INPUT', `give the command to run: flotilla exec ${target} COMMAND [ARG...]`);
        await withCluster(cmd, async (c) => {
          if (!o.interactive && !o.tty) {
            const r = await sw.execInTask(c, target, { cmd: argv, user: o.user, workdir: o.workdir, env: o.env });
            if (globals(cmd).json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
            else {
              process.stdout.write(r.stdout);
              process.stderr.write(r.stderr);
            }
            process.exitCode = r.exitCode;
            return;
          }
          const t = await sw.locateTask(c, target);
          const s = await sw.execInteractive(t.conn, t.containerId, {
            cmd: argv,
            tty: Boolean(o.tty),
            user: o.user,
            workdir: o.workdir,
            env: o.env,
            onOutput: (st, d) => (st === 'stderr' ? process.stderr : process.stdout).write(d),
          });
          const stdin = process.stdin;
          const raw = Boolean(o.tty && stdin.isTTY);
          if (raw) stdin.setRawMode(true);
          if (o.tty && process.stdout.isTTY) {
            await s.resize(process.stdout.columns, process.stdout.rows);
            process.stdout.on('resize', () => void s.resize(process.stdout.columns, process.stdout.rows));
          }
          if (o.interactive) stdin.pipe(s.stream);
          const code = await s.wait();
          if (o.interactive) stdin.unpipe(s.stream);
          if (raw) stdin.setRawMode(false);
          stdin.pause();
          process.exitCode = code;
        });
      }),
    );

  for (const kind of ['secret', 'config'] as const) {
    const g = program.command(kind).description(`swarm ${kind}s`);
    g.command('create')
      .argument('<name>')
      .argument('[file]', 'file with the content, or - for stdin')
      .option('--data <text>', 'the content as text')
      .option('-l, --label <K=V>', 'label', collect)
      .description(`create a ${kind} from a file, stdin, or --data`)
      .action(
        action(async (name: string, file: string | undefined, o: { data?: string; label?: string[] }, cmd: Command) => {
          if (o.data === undefined && !file) throw new FlotillaError('BAD_INPUT', `give the ${kind} content as a FILE, - for stdin, or --data TEXT`);
          let data: Buffer;
          if (o.data !== undefined) data = Buffer.from(o.data, 'utf8');
          else if (file === '-') data = fs.readFileSync(0);
          else {
            try {
              data = fs.readFileSync(file!);
            } catch {
              throw new FlotillaError('NOT_FOUND', `cannot read ${file}: check the path`);
            }
          }
          const labels = Object.fromEntries((o.label ?? []).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]));
          await withEngine(cmd, async (conn) => {
            const r = kind === 'secret' ? await sw.createSecret(conn, name, data, labels) : await sw.createConfig(conn, name, data, labels);
            output(cmd, r, () => r.id);
          });
        }),
      );
    g.command('ls')
      .description(`list ${kind}s`)
      .action(
        action(async (_o: unknown, cmd: Command) => {
          await withEngine(cmd, async (conn) => {
            const list = kind === 'secret' ? await sw.listSecrets(conn) : await sw.listConfigs(conn);
            output(cmd, list, () => table(['ID', 'NAME', 'CREATED', 'UPDATED'], list.map((x) => [short(x.id), x.name, ago(x.createdAt), ago(x.updatedAt)])));
          });
        }),
      );
    g.command('inspect')
      .argument('<name>')
      .description(kind === 'secret' ? 'secret details (never its content)' : 'config details with its content')
      .action(
        action(async (ref: string, _o: unknown, cmd: Command) => {
          await withEngine(cmd, async (conn) => {
            const x = kind === 'secret' ? await sw.inspectSecret(conn, ref) : await sw.inspectConfig(conn, ref);
            process.stdout.write(JSON.stringify(x, null, 2) + '\n');
          });
        }),
      );
    g.command('rm')
      .argument('<name...>')
      .description(`remove ${kind}s`)
      .action(
        action(async (refs: string[], _o: unknown, cmd: Command) => {
          await withEngine(cmd, async (conn) => {
            for (const r of refs) await (kind === 'secret' ? sw.removeSecret(conn, r) : sw.removeConfig(conn, r));
            output(cmd, { removed: refs }, () => refs.join('\n'));
          });
        }),
      );
  }

  const network = program.command('network').description('networks (overlay networks of the swarm)');
  network
    .command('create')
    .argument('<name>')
    .option('--attachable', 'standalone containers may attach')
    .option('--opt-encrypted', 'encrypt traffic between nodes (IPsec)')
    .option('--encrypted', 'same as --opt-encrypted')
    .option('--internal', 'no outside access')
    .option('--subnet <cidr>', 'subnet, e.g. 10.10.0.0/24')
    .option('--gateway <ip>', 'gateway in the subnet')
    .option('-d, --driver <driver>', 'only overlay is supported', 'overlay')
    .description('create an overlay network')
    .action(
      action(async (name: string, o: { attachable?: boolean; optEncrypted?: boolean; encrypted?: boolean; internal?: boolean; subnet?: string; gateway?: string; driver: string }, cmd: Command) => {
        if (o.driver !== 'overlay') throw new FlotillaError('BAD_INPUT', `driver ${o.driver} is not supported here: swarm networks use overlay`);
        await withEngine(cmd, async (conn) => {
          const r = await sw.createOverlay(conn, { name, attachable: o.attachable, encrypted: o.encrypted || o.optEncrypted, internal: o.internal, subnet: o.subnet, gateway: o.gateway });
          output(cmd, r, () => r.id);
        });
      }),
    );
  network
    .command('ls')
    .description('list networks')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const list = await sw.listNetworks(conn);
          output(cmd, list, () => table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE', 'ATTACHABLE', 'ENCRYPTED', 'SUBNET'], list.map((n) => [short(n.id), n.name, n.driver, n.scope, String(n.attachable), String(n.encrypted), n.subnets.join(',')])));
        });
      }),
    );
  network
    .command('inspect')
    .argument('<network>')
    .action(
      action(async (ref: string, _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          process.stdout.write(JSON.stringify(await sw.inspectNetwork(conn, ref), null, 2) + '\n');
        });
      }),
    );
  network
    .command('rm')
    .argument('<network...>')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          for (const r of refs) await sw.removeNetwork(conn, r);
          output(cmd, { removed: refs }, () => refs.join('\n'));
        });
      }),
    );

  program
    .command('volume')
    .description('volumes')
    .command('ls')
    .description('volumes on every node of the swarm (read from each node)')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withCluster(cmd, async (c) => {
          const r = await sw.listVolumes(c);
          for (const u of r.unreachable) progress(`warning: node ${u.node} not reachable: ${u.error}`);
          output(cmd, r.volumes, () => table(['NODE', 'DRIVER', 'VOLUME NAME'], r.volumes.map((v) => [v.node, v.driver, v.name])));
        });
      }),
    );

  program
    .command('events')
    .description('the live cluster model as it changes (JSON lines with --json); Ctrl-C to stop')
    .option('--count <n>', 'stop after N change batches', intArg('--count', 1))
    .action(
      action(async (o: { count?: number }, cmd: Command) => {
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        const json = globals(cmd).json;
        let model: ClusterModel = { nodes: {}, services: {}, tasks: {} };
        let batches = 0;
        try {
          await withCluster(cmd, (c) =>
            sw.watchClusterModel(c, ac.signal, (e: ModelEvent) => {
              if (json) process.stdout.write(JSON.stringify(e) + '\n');
              else if (e.type === 'snapshot') {
                model = e.model;
                process.stdout.write(`snapshot: ${Object.keys(model.nodes).length} nodes, ${Object.keys(model.services).length} services, ${Object.keys(model.tasks).length} tasks\n`);
              } else if (e.type === 'source') process.stdout.write(`${new Date(e.at).toISOString()} source ${e.source} ${e.connected ? `connected${e.via ? ` via ${e.via}` : ''}` : `lost: ${e.error ?? ''}`}\n`);
              else {
                for (const ch of e.changes) {
                  const ts = new Date(e.at).toISOString();
                  if (ch.op === 'remove') process.stdout.write(`${ts} ${ch.kind} ${short(ch.id)} removed\n`);
                  else if (ch.kind === 'task') {
                    const svc = model.services[ch.value.serviceId]?.name ?? short(ch.value.serviceId);
                    process.stdout.write(`${ts} task ${short(ch.value.id)} ${svc}.${ch.value.slot || short(ch.value.nodeId)} ${ch.value.state} (desired ${ch.value.desiredState})${ch.value.error ? ` error: ${ch.value.error}` : ''}\n`);
                  } else if (ch.kind === 'service') process.stdout.write(`${ts} service ${ch.value.name} ${ch.value.replicas.running}/${ch.value.replicas.desired} ${ch.value.image}${ch.value.updateStatus ? ` update ${ch.value.updateStatus.state}` : ''}\n`);
                  else process.stdout.write(`${ts} node ${ch.value.hostname} ${ch.value.status} ${ch.value.availability} ${ch.value.role}\n`);
                }
                model = applyChanges(model, e.changes);
              }
              if (e.type === 'diff' && o.count && ++batches >= o.count) ac.abort();
            }),
          );
        } finally {
          process.off('SIGINT', stop);
        }
      }),
    );
}

export function registerSwarm(program: Command): void {
  registerSwarmVerbs(program);
  registerNodeVerbs(program);
  registerServiceVerbs(program);
  registerOtherVerbs(program);
}

