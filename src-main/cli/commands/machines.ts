// `flotilla machine ...`: docker-machine's command set plus `machine set`, and the resolver behind the global
// `--machine NAME`. Every verb calls the machines handlers the window calls (withMachines: host/local.ts).
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { Shell } from '../../api/domains/machines';
import type { EngineTarget } from '../../host/direct';
import { action, commandWords, globals, interruptSignal, output, progress, table, setMachineResolver, setMachineNodeResolver, intArg } from '../context';
import { cap, collect } from '../format';
import { addDriverFlags, confirm, saying, detectShell, driverOptions, printEvent, reportAll, sizeArg, withMachines } from './machines-common';
import { registerOneClickSwarm } from './machines-swarm';

const SHELLS = Shell.options;

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
        const list = await withMachines((h) => h.call('machines.ls', { timeoutMs: o.timeout * 1000 }));
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
        const g = globals(cmd);
        const input = {
          name,
          driver: o.driver as string | undefined,
          cpus: o.cpus as number | undefined,
          memoryMb: o.memory as number | undefined,
          diskGb: o.disk as number | undefined,
          options: driverOptions(o),
          engineLabels: (o.engineLabel as string[]) ?? [],
          registryMirrors: (o.engineRegistryMirror as string[]) ?? [],
          insecureRegistries: (o.engineInsecureRegistry as string[]) ?? [],
          tlsSans: (o.tlsSan as string[]) ?? [],
        };
        const made = await withMachines(async (h) => {
          // Ctrl+C aborts the signal: the core stops at its next safe point and says how to remove or retry
          await h.subscribe('machines.create', input, printEvent(g.json, Boolean(o.verbose)), { signal: interruptSignal() });
          return h.call('machines.inspect', { name });
        });
        output(cmd, { name, state: 'running', url: made.url, dockerVersion: made.dockerVersion }, () => `Machine ${name} is ready at ${made.url} (Docker ${made.dockerVersion}).\nUse it: eval $(flotilla machine env ${name})   or   docker --context ${name} info`);
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
        const r = await withMachines((h) => Promise.allSettled(names.map((n) => h.subscribe('machines.provision', { name: n }, printEvent(g.json, Boolean(o.verbose)), { signal }))));
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
        const r = await withMachines((h) => Promise.allSettled(names.map((n) => h.subscribe('machines.regenerateCerts', { name: n, clientCerts: Boolean(o.clientCerts) }, printEvent(g.json, false)))));
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
          const r = await withMachines((h) => Promise.allSettled(names.map((n) => h.call(`machines.${verb}`, { name: n }, saying))));
          reportAll(cmd, names, r, verb === 'kill' ? 'killed' : `${verb}ed`.replace('stoped', 'stopped'));
        }),
      );
  }

  machine
    .command('set')
    .argument('<name>', 'machine')
    .description('resize a machine: a VM while it is stopped (disk grow-only), a container machine live')
    .option('--cpus <n>', 'CPUs', intArg('cpus', 1, 256))
    .option('--memory <size>', 'memory: MB, or with a unit (512m, 2g)', sizeArg('--memory', 'MB'))
    .option('--disk <size>', 'disk: GB, or with a unit (40g, 1t); it can only grow', sizeArg('--disk', 'GB'))
    .action(
      action(async (name: string, o: { cpus?: number; memory?: number; disk?: number }, cmd: Command) => {
        const r = await withMachines((h) => h.call('machines.set', { name, cpus: o.cpus, memoryMb: o.memory, diskGb: o.disk }, saying));
        output(cmd, r, () => [...r.changes.map((c) => `${name}: ${c}`), ...r.notes, `${name} has ${r.spec.cpus} CPU, ${r.spec.memoryMb} MB memory, ${r.spec.diskGb} GB disk`].join('\n'));
      }),
    );

  machine
    .command('rm')
    .argument('<names...>', 'machines')
    .description('remove machines and everything they made (host, volume, context, files)')
    .option('-y', 'do not ask')
    .option('-f, --force', 'same as -y')
    .action(
      action(async (names: string[], o: { y?: boolean; force?: boolean }, cmd: Command) => {
        if (!o.y && !o.force && !(await confirm(`Remove ${names.join(', ')} and everything they made?`))) throw new FlotillaError('CANCELLED', 'not confirmed: add -y to remove without asking');
        const r = await withMachines((h) => Promise.allSettled(names.map((n) => h.call('machines.rm', { name: n }))));
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
        const { state } = await withMachines((h) => h.call('machines.status', { name }));
        output(cmd, { name, state }, () => cap(state));
      }),
    );

  machine
    .command('inspect')
    .argument('<name>', 'machine')
    .description('everything about a machine as JSON (never private keys)')
    .action(
      action(async (name: string) => {
        process.stdout.write(JSON.stringify(await withMachines((h) => h.call('machines.inspect', { name }, saying)), null, 2) + '\n');
      }),
    );

  for (const [verb, desc] of [
    ['ip', 'the machine\'s IP address'],
    ['url', 'the machine\'s engine URL'],
    ['version', 'the Docker version of the machine'],
  ] as const) {
    machine
      .command(verb)
      .argument('<name>', 'machine')
      .description(desc)
      .action(
        action(async (name: string, _o: unknown, cmd: Command) => {
          const { value: v } = await withMachines((h) => h.call('machines.value', { name, what: verb }, saying));
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
        const { flags } = await withMachines((h) => h.call('machines.config', { name }, saying));
        output(cmd, { name, flags }, () => flags.join('\n'));
      }),
    );

  machine
    .command('active')
    .description('the machine $DOCKER_HOST points at')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        const { name: a } = await withMachines((h) => h.call('machines.active', {}));
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
        const shell = Shell.safeParse(o.shell ?? detectShell());
        if (!shell.success) throw new FlotillaError('BAD_INPUT', `unknown shell "${o.shell}": use ${SHELLS.join(', ')}`);
        if (!o.unset && !name) throw new FlotillaError('BAD_INPUT', 'name the machine: flotilla machine env NAME');
        // -u needs no machine: the handler only renders the shell's unset lines
        const r = await withMachines((h) => h.call('machines.env', { name: name ?? 'unset', shell: shell.data, unset: Boolean(o.unset) }, saying));
        if (o.unset) return void process.stdout.write(r.text);
        output(cmd, r.vars, () => r.text);
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
          let code = 1;
          await withMachines((h) => h.subscribe('machines.ssh', { name, command: command.join(' ') }, (e) => {
            if (e.stdout !== undefined) process.stdout.write(e.stdout);
            if (e.exitCode !== undefined) code = e.exitCode;
          }, saying));
          process.exitCode = code;
          return;
        }
        const { argv } = await withMachines((h) => h.call('machines.sshArgv', { name }, saying));
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
        await withMachines((h) => h.call('machines.scp', { from, to, recursive: Boolean(o.recursive) }));
      }),
    );

  machine
    .command('upgrade')
    .argument('<names...>', 'machines')
    .description('upgrade Docker on machines to the newest package of their OS')
    .action(
      action(async (names: string[], _o: unknown, cmd: Command) => {
        const g = globals(cmd);
        const r = await withMachines((h) => Promise.allSettled(names.map((n) => h.subscribe('machines.upgrade', { name: n }, printEvent(g.json, false)))));
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
        const r = await withMachines((h) => h.call('machines.import', { from: o.from, names }));
        output(cmd, r, () => table(['NAME', 'IMPORTED', 'URL', 'REACHABLE', 'CONTEXT', 'NOTE'], r.map((x) => [x.name, x.imported ? 'yes' : 'no', x.url, x.reachable === undefined ? '' : x.reachable ? `Docker ${x.dockerVersion}` : 'no', x.context, x.reason])));
      }),
    );

  machine
    .command('drivers')
    .description('drivers, their options and prerequisites')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        const list = await withMachines((h) => h.call('machines.drivers', {}));
        output(cmd, list, () => list.map((d) => `${d.name}${d.default ? ' (default)' : ''}: ${d.description}\n${d.prerequisites.map((p) => `  ${p.ok ? 'ok ' : 'NO '} ${p.name}: ${p.detail}${p.remedy && !p.ok ? ` -> ${p.remedy}` : ''}`).join('\n')}\n${d.options.map((x) => `  --${x.flag}  ${x.description}`).join('\n')}`).join('\n\n'));
      }),
    );
}

export function registerMachines(program: Command): void {
  registerMachineVerbs(program);
  registerOneClickSwarm(program);
  // global --machine NAME: the machine's engine over TLS with the store's client certificate
  setMachineResolver(async (name) => {
    const t = await withMachines((h) => h.call('machines.engineTarget', { name }, saying));
    if (!t) throw new FlotillaError('NOT_FOUND', `no machine named ${name}: \`flotilla machine ls\` lists them`);
    return targetOf(t);
  });
  // with --machine, the swarm's other nodes are machines of the same store (a one-click swarm): reach them the same way
  setMachineNodeResolver(async (node) => {
    const t = await withMachines((h) => h.call('machines.engineTarget', { node }));
    return t ? targetOf(t) : undefined;
  });
}

function targetOf(t: { host: string; port: number; tls: { ca: string; cert: string; key: string } }): EngineTarget {
  return { kind: 'tcp', host: t.host, port: t.port, tls: t.tls };
}
