// `flotilla machine ...`: docker-machine's command set, plus the one-click `swarm create NAME --driver`
// and `swarm rm -y NAME`, and the resolver behind the global `--machine NAME`.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { action, commandWords, globals, interruptSignal, output, progress, table, setMachineResolver, setMachineNodeResolver, intArg } from '../context';
import {
  defaultDriverName,
  detectShell,
  driverPrerequisites,
  getDriver,
  listDrivers,
  machineCommands as m,
  MachineStore,
  machineTarget,
  renderEnv,
  renderUnset,
  SHELLS,
  type MachineEvent,
  type Shell,
} from '../../host/direct';
import { cap, collect } from '../format';
import { createFromEngines } from './swarm';
const store = () => new MachineStore();

function printEvent(json: boolean | undefined, verbose: boolean) {
  return (e: MachineEvent) => {
    if (json) return;
    if (e.step) progress(`${e.machine}: ${e.step}${e.detail ? ` (${e.detail})` : ''}`);
    else if (verbose && e.log) progress(`${e.machine}   ${e.log}`);
  };
}

function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return Promise.resolve(false);
  process.stderr.write(`${question} (y/n): `);
  return new Promise((resolve) => {
    process.stdin.once('data', (d) => {
      process.stdin.pause();
      resolve(/^y(es)?$/i.test(d.toString().trim()));
    });
  });
}

/** driver options from `--opt KEY=VALUE` and the well-known generic flags */
function driverOptions(o: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of (o.opt as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new FlotillaError('BAD_INPUT', `invalid --opt "${kv}": expected KEY=VALUE, e.g. generic-ssh-user=ubuntu`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const map: Record<string, string> = { genericIpAddress: 'generic-ip-address', genericSshUser: 'generic-ssh-user', genericSshPort: 'generic-ssh-port', genericSshKey: 'generic-ssh-key', genericEnginePort: 'generic-engine-port', containerImage: 'container-image', containerNetwork: 'container-network', containerSubnet: 'container-subnet' };
  for (const [k, flag] of Object.entries(map)) if (o[k] !== undefined) out[flag] = o[k] as string;
  // every registered driver's own flags (`--qemu-accel tcg`, `--hyperv-virtual-switch NAME`, ...)
  for (const d of listDrivers()) {
    for (const x of d.options()) {
      const v = o[camel(x.flag)];
      if (v !== undefined && out[x.flag] === undefined) out[x.flag] = v as string | boolean;
    }
  }
  return out;
}

const camel = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Adds each registered driver's options to `cmd` as flags of their own, the docker-machine way. */
function addDriverFlags(cmd: Command): void {
  const known = new Set(cmd.options.map((x) => x.long));
  for (const d of listDrivers()) {
    for (const x of d.options()) {
      const long = `--${x.flag}`;
      if (known.has(long)) continue;
      known.add(long);
      cmd.option(x.type === 'boolean' ? long : `${long} <value>`, `${d.name}: ${x.description}${x.default !== undefined ? ` (default ${String(x.default)})` : ''}`);
    }
  }
}

function registerMachineVerbs(program: Command): void {
  const machine = program.command('machine').description('hosts with keys and TLS: create, provision, ssh, env (docker-machine\'s command set)')
    // `machine ssh NAME CMD...` passes CMD's options through; commander wants this on the parent for that
    .enablePositionalOptions();

  machine
    .command('ls')
    .description('list machines: NAME ACTIVE DRIVER STATE URL SWARM DOCKER ERRORS (queried in parallel)')
    .option('-t, --timeout <seconds>', 'per-machine timeout', intArg('timeout', 1, 600), 10)
    .option('-q, --quiet', 'names only')
    .action(
      action(async (o: { timeout: number; quiet?: boolean }, cmd: Command) => {
        const list = await m.listMachines(store(), { timeoutMs: o.timeout * 1000 });
        output(cmd, list, () => (o.quiet ? list.map((x) => x.name).join('\n') : table(['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'SWARM', 'DOCKER', 'ERRORS'], list.map((x) => [x.name, x.active ? '*' : '-', x.driver, x.state === 'timeout' ? 'Timeout' : cap(x.state), x.url, x.swarm, x.docker, x.error]))));
      }),
    );

  machine
    .command('create')
    .argument('<name>', 'machine name')
    .description('create a machine, install its key and certificates, configure Docker for TLS on 2376')
    .option('-d, --driver <name>', 'driver (default: a usable hypervisor, else container)')
    .option('--cpus <n>', 'CPUs', intArg('cpus', 0, 256))
    .option('--memory <mb>', 'memory in MB', intArg('memory', 0, 1 << 20))
    .option('--disk <gb>', 'disk in GB', intArg('disk', 0, 1 << 16))
    .option('--engine-label <k=v>', 'engine label (repeat)', collect)
    .option('--engine-registry-mirror <url>', 'registry mirror (repeat)', collect)
    .option('--engine-insecure-registry <host>', 'insecure registry (repeat)', collect)
    .option('--tls-san <name>', 'extra SAN for the server certificate (repeat)', collect)
    .option('--generic-ip-address <ip>', 'generic: server address')
    .option('--generic-ssh-user <user>', 'generic: SSH user (default root)')
    .option('--generic-ssh-port <port>', 'generic: SSH port (default 22)')
    .option('--generic-ssh-key <file>', 'generic: private key')
    .option('--generic-engine-port <port>', 'generic: engine TLS port (default 2376)')
    .option('--container-image <ref>', 'container: node image')
    .option('--container-network <name>', 'container: network (default flotilla-machines)')
    .option('--container-subnet <cidr>', 'container: subnet for a new network')
    .option('-o, --opt <key=value>', 'any driver option by its flag name (repeat)', collect)
    .option('-v, --verbose', 'show the raw provisioning log')
    .action(
      action(async (name: string, o: Record<string, unknown>, cmd: Command) => {
        const driver = (o.driver as string | undefined) ?? (await defaultDriverName());
        const g = globals(cmd);
        const cfg = await m.createMachine(
          store(),
          {
            name,
            driver,
            cpus: o.cpus as number | undefined,
            memoryMb: o.memory as number | undefined,
            diskGb: o.disk as number | undefined,
            options: driverOptions(o),
            engine: { labels: (o.engineLabel as string[]) ?? [], registryMirrors: (o.engineRegistryMirror as string[]) ?? [], insecureRegistries: (o.engineInsecureRegistry as string[]) ?? [], tlsSans: (o.tlsSan as string[]) ?? [] },
          },
          printEvent(g.json, Boolean(o.verbose)),
          interruptSignal(),
        );
        output(cmd, { name, state: 'running', url: m.machineUrl(cfg), dockerVersion: cfg.dockerVersion }, () => `Machine ${name} is ready at ${m.machineUrl(cfg)} (Docker ${cfg.dockerVersion}).\nUse it: eval $(flotilla machine env ${name})   or   docker --context ${name} info`);
      }),
    );
  const create = machine.commands.find((c) => c.name() === 'create');
  if (create) addDriverFlags(create);

  machine
    .command('provision')
    .argument('<names...>', 'machines')
    .description('re-provision machines (retries an interrupted create)')
    .option('-v, --verbose', 'show the raw provisioning log')
    .action(
      action(async (names: string[], o: { verbose?: boolean }, cmd: Command) => {
        const g = globals(cmd);
        const signal = interruptSignal();
        const r = await Promise.allSettled(names.map((n) => m.provisionMachine(store(), n, printEvent(g.json, Boolean(o.verbose)), signal)));
        reportAll(cmd, names, r, 'provisioned');
      }),
    );

  machine
    .command('regenerate-certs')
    .argument('<names...>', 'machines')
    .description('new server certificates (and with --client-certs a new CA and client cert), then re-provision')
    .option('-f, --force', 'do not ask')
    .option('--client-certs', 'also regenerate the CA and client certificate (every machine then needs regenerate-certs)')
    .action(
      action(async (names: string[], o: { force?: boolean; clientCerts?: boolean }, cmd: Command) => {
        if (!o.force && !(await confirm(`Regenerate TLS certificates for ${names.join(', ')}? Docker restarts on them.`))) throw new FlotillaError('CANCELLED', 'not confirmed: add -f to regenerate without asking');
        const g = globals(cmd);
        const r = await Promise.allSettled(names.map((n) => m.regenerateCerts(store(), n, { clientCerts: o.clientCerts }, printEvent(g.json, false))));
        reportAll(cmd, names, r, 'new certificates');
      }),
    );

  for (const verb of ['start', 'stop', 'restart', 'kill'] as const) {
    machine
      .command(verb)
      .argument('<names...>', 'machines')
      .description(`${verb} machines`)
      .action(
        action(async (names: string[], _o: unknown, cmd: Command) => {
          const r = await Promise.allSettled(names.map((n) => m.powerMachine(store(), n, verb)));
          reportAll(cmd, names, r, verb === 'kill' ? 'killed' : `${verb}ed`.replace('stoped', 'stopped'));
        }),
      );
  }

  machine
    .command('rm')
    .argument('<names...>', 'machines')
    .description('remove machines and everything they made (host, volume, context, files)')
    .option('-y', 'do not ask')
    .option('-f, --force', 'same as -y')
    .action(
      action(async (names: string[], o: { y?: boolean; force?: boolean }, cmd: Command) => {
        if (!o.y && !o.force && !(await confirm(`Remove ${names.join(', ')} and everything they made?`))) throw new FlotillaError('CANCELLED', 'not confirmed: add -y to remove without asking');
        const r = await Promise.allSettled(names.map((n) => m.removeMachine(store(), n)));
        for (const x of r) if (x.status === 'fulfilled') for (const w of x.value.warnings) progress(`warning: ${w}`);
        reportAll(cmd, names, r, 'removed');
      }),
    );

  machine
    .command('status')
    .argument('<name>', 'machine')
    .description('the machine\'s state')
    .action(
      action(async (name: string, _o: unknown, cmd: Command) => {
        const st = await m.machineState(store(), await store().load(name));
        output(cmd, { name, state: st }, () => cap(st));
      }),
    );

  machine
    .command('inspect')
    .argument('<name>', 'machine')
    .description('everything about a machine as JSON (never private keys)')
    .action(
      action(async (name: string) => {
        process.stdout.write(JSON.stringify(await m.inspectMachine(store(), name), null, 2) + '\n');
      }),
    );

  for (const [verb, fn, desc] of [
    ['ip', m.machineIp, 'the machine\'s IP address'],
    ['url', m.machineUrlOf, 'the machine\'s engine URL'],
    ['version', m.machineDockerVersion, 'the Docker version of the machine'],
  ] as const) {
    machine
      .command(verb)
      .argument('<name>', 'machine')
      .description(desc)
      .action(
        action(async (name: string, _o: unknown, cmd: Command) => {
          const v = await fn(store(), name);
          output(cmd, { name, [verb]: v }, () => v);
        }),
      );
  }

  machine
    .command('config')
    .argument('<name>', 'machine')
    .description('docker CLI flags for the machine: docker $(flotilla machine config NAME) ps')
    .action(
      action(async (name: string, _o: unknown, cmd: Command) => {
        const flags = await m.machineConfigFlags(store(), name);
        output(cmd, { name, flags }, () => flags.join('\n'));
      }),
    );

  machine
    .command('active')
    .description('the machine $DOCKER_HOST points at')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        const a = await m.activeMachine(store());
        if (!a) throw new FlotillaError('NOT_FOUND', 'no active machine: DOCKER_HOST is not set to a machine (eval $(flotilla machine env NAME))');
        output(cmd, { name: a }, () => a);
      }),
    );

  machine
    .command('env')
    .argument('[name]', 'machine')
    .description('shell lines pointing the docker CLI at the machine')
    .option('--shell <shell>', `shell: ${SHELLS.join(', ')} (default: detected)`)
    .option('-u, --unset', 'unset the variables instead')
    .action(
      action(async (name: string | undefined, o: { shell?: string; unset?: boolean }, cmd: Command) => {
        const shell = (o.shell ?? detectShell()) as Shell;
        if (!SHELLS.includes(shell)) throw new FlotillaError('BAD_INPUT', `unknown shell "${o.shell}": use ${SHELLS.join(', ')}`);
        if (o.unset) return void process.stdout.write(renderUnset(shell));
        if (!name) throw new FlotillaError('BAD_INPUT', 'name the machine: flotilla machine env NAME');
        const vars = await m.machineEnv(store(), name);
        output(cmd, vars, () => renderEnv(shell, vars, name));
      }),
    );

  machine
    .command('ssh')
    .argument('<name>', 'machine')
    .argument('[command...]', 'command to run: everything after NAME, options included, as in docker-machine ssh; interactive shell without one')
    .description('log into the machine, or run a command there')
    .passThroughOptions()
    .action(
      action(async (name: string, words: string[]) => {
        const command = commandWords(words);
        if (command.length) {
          const r = await m.machineSsh(store(), name, command.join(' '), { onStdout: (d) => process.stdout.write(d) });
          process.exitCode = r.code;
          return;
        }
        const argv = await m.interactiveSshArgv(store(), name);
        await new Promise<void>((resolve, reject) => {
          const child = spawn('ssh', argv, { stdio: 'inherit' });
          child.on('error', (e) => reject(new FlotillaError('UNSUPPORTED', `cannot start ssh (${e.message}): install an OpenSSH client, or run a command: flotilla machine ssh ${name} -- CMD`)));
          child.on('close', (code) => {
            process.exitCode = code ?? 1;
            resolve();
          });
        });
      }),
    );

  machine
    .command('scp')
    .argument('<from>', 'MACHINE:PATH or a local path')
    .argument('<to>', 'MACHINE:PATH or a local path')
    .option('-r, --recursive', 'copy folders')
    .description('copy files between this computer and a machine (both directions)')
    .action(
      action(async (from: string, to: string, o: { recursive?: boolean }) => {
        await m.machineScp(store(), from, to, { recursive: o.recursive });
      }),
    );

  machine
    .command('upgrade')
    .argument('<names...>', 'machines')
    .description('upgrade Docker on machines to the newest package of their OS')
    .action(
      action(async (names: string[], _o: unknown, cmd: Command) => {
        const g = globals(cmd);
        const r = await Promise.allSettled(names.map((n) => m.upgradeMachine(store(), n, printEvent(g.json, false))));
        reportAll(cmd, names, r, 'upgraded');
      }),
    );

  machine
    .command('import')
    .argument('[names...]', 'machines to import (default: all)')
    .option('--from <path>', 'docker-machine store (default ~/.docker/machine or $MACHINE_STORAGE_PATH)')
    .description('use docker-machine machines from Flotilla (their files are read, never changed), each with a docker context of its name')
    .action(
      action(async (names: string[], o: { from?: string }, cmd: Command) => {
        const r = await m.importDockerMachines(store(), { storePath: o.from, names });
        output(cmd, r, () => table(['NAME', 'IMPORTED', 'URL', 'REACHABLE', 'CONTEXT', 'NOTE'], r.map((x) => [x.name, x.imported ? 'yes' : 'no', x.url, x.reachable === undefined ? '' : x.reachable ? `Docker ${x.dockerVersion}` : 'no', x.context, x.reason])));
      }),
    );

  machine
    .command('drivers')
    .description('drivers, their options and prerequisites')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        const def = await defaultDriverName();
        const list = await Promise.all(listDrivers().map(async (d) => ({ name: d.name, description: d.description, default: d.name === def, options: d.options(), prerequisites: await driverPrerequisites(getDriver(d.name)) })));
        output(cmd, list, () => list.map((d) => `${d.name}${d.default ? ' (default)' : ''}: ${d.description}\n${d.prerequisites.map((p) => `  ${p.ok ? 'ok ' : 'NO '} ${p.name}: ${p.detail}${p.remedy && !p.ok ? ` -> ${p.remedy}` : ''}`).join('\n')}\n${d.options.map((x) => `  --${x.flag}  ${x.description}`).join('\n')}`).join('\n\n'));
      }),
    );
}

function reportAll(cmd: Command, names: string[], r: Array<PromiseSettledResult<unknown>>, verb: string): void {
  const failed = r.map((x, i) => ({ x, n: names[i] })).filter((y) => y.x.status === 'rejected');
  output(cmd, names.map((n, i) => ({ name: n, ok: r[i].status === 'fulfilled', error: r[i].status === 'rejected' ? ((r[i] as PromiseRejectedResult).reason as Error).message : undefined })), () => names.filter((_, i) => r[i].status === 'fulfilled').map((n) => `${n} ${verb}`).join('\n'));
  if (failed.length === 1) throw (failed[0].x as PromiseRejectedResult).reason;
  if (failed.length) throw new FlotillaError('ENGINE', failed.map((f) => `${f.n}: ${((f.x as PromiseRejectedResult).reason as Error).message}`).join('\n'));
}

/**
 * `swarm create` takes both forms: the swarm module's `--manager URL [--worker URL]`, and the one-click
 * `swarm create NAME --driver D --managers M --workers W` that makes machines first. The swarm command
 * group belongs to the swarm module; this replaces its `create` action with one that handles both.
 */
function registerOneClickSwarm(program: Command): void {
  let swarm = program.commands.find((c) => c.name() === 'swarm');
  if (!swarm) swarm = program.command('swarm').description('swarm');
  let create = swarm.commands.find((c) => c.name() === 'create');
  if (!create) create = swarm.command('create').description('build a swarm');
  for (const opt of create.options) if (opt.long === '--manager') opt.mandatory = false;
  if (!create.options.some((x) => x.long === '--manager')) create.option('--manager <url>', 'a manager engine URL (repeat; the first one inits)', collect);
  if (!create.options.some((x) => x.long === '--worker')) create.option('--worker <url>', 'a worker engine URL (repeat)', collect);
  create
    .argument('[name]', 'one-click: make machines NAME-m1.. and NAME-w1.. first')
    .option('-d, --driver <name>', 'one-click: machine driver (default: a usable hypervisor, else container)')
    .option('--managers <n>', 'one-click: number of manager machines', intArg('managers', 1, 9), 1)
    .option('--workers <n>', 'one-click: number of worker machines', intArg('workers', 0, 19), 0)
    .option('-o, --opt <key=value>', 'one-click: any driver option by its flag name (repeat), e.g. qemu-image=test', collect)
    .option('-v, --verbose', 'one-click: show the raw provisioning log')
    .description('build a swarm: from engines (--manager URL --worker URL), or one click: `swarm create NAME --driver container --managers M --workers W`')
    .action(
      action(async (name: string | undefined, o: { manager?: string[]; worker?: string[]; driver?: string; managers: number; workers: number; opt?: string[]; verbose?: boolean }, cmd: Command) => {
        const g = globals(cmd);
        if (name) {
          if (o.manager?.length) throw new FlotillaError('BAD_INPUT', 'give either NAME (one-click machines) or --manager URLs, not both');
          const driver = o.driver ?? (await defaultDriverName());
          const r = await m.createMachineSwarm(store(), { name, driver, managers: o.managers, workers: o.workers, options: driverOptions({ opt: o.opt }) }, printEvent(g.json, Boolean(o.verbose)), interruptSignal());
          output(cmd, r, () => `swarm ${name} (${r.clusterId.slice(0, 12)}) ready: managers ${r.managers.join(', ')}; workers ${r.workers.join(', ') || 'none'}\nUse it: flotilla --machine ${r.managers[0]} node ls`);
          return;
        }
        if (!o.manager?.length) throw new FlotillaError('BAD_INPUT', 'a swarm needs a NAME (one-click machines) or at least one --manager URL');
        await createFromEngines(cmd, o.manager, o.worker ?? []);
      }),
    );
  if (!swarm.commands.some((c) => c.name() === 'rm')) {
    swarm
      .command('rm')
      .argument('<name>', 'one-click swarm name')
      .option('-y', 'do not ask')
      .description('remove a one-click swarm: every machine NAME-mN / NAME-wN and all they made')
      .action(
        action(async (name: string, o: { y?: boolean }, cmd: Command) => {
          const members = await m.swarmMembers(store(), name);
          if (!members.length) throw new FlotillaError('NOT_FOUND', `no one-click swarm named ${name} (no machines ${name}-m1, ${name}-w1, ...)`);
          if (!o.y && !(await confirm(`Remove swarm ${name}: ${members.join(', ')}?`))) throw new FlotillaError('CANCELLED', 'not confirmed: add -y to remove without asking');
          const r = await m.removeMachineSwarm(store(), name);
          for (const w of r.warnings) progress(`warning: ${w}`);
          output(cmd, r, () => r.removed.map((n) => `${n} removed`).join('\n'));
        }),
      );
  }
}

export function registerMachines(program: Command): void {
  registerMachineVerbs(program);
  registerOneClickSwarm(program);
  // global --machine NAME: the machine's engine over TLS with the store's client certificate
  setMachineResolver(async (name) => {
    const cfg = await store().load(name);
    const target = machineTarget(store(), cfg);
    if (!target) throw new FlotillaError('PRECONDITION', `machine ${name} has no host yet: run \`flotilla machine provision ${name}\``);
    return target;
  });
  // with --machine, the swarm's other nodes are machines of the same store (a one-click swarm): reach them the same way
  setMachineNodeResolver(async ({ addr, hostname }) => {
    for (const name of await store().names()) {
      const cfg = await store().load(name).catch(() => undefined);
      if (!cfg?.endpoint || (cfg.endpoint.ip !== addr && name !== hostname)) continue;
      return machineTarget(store(), cfg);
    }
    return undefined;
  });
}
