// The `flotilla` command: the same host handlers as the window (see README.md), with docker-like global flags.
import { Command } from 'commander';
import { VERSION } from '../host/direct';
import { globalFlagsEverywhere, reportError } from './context';
import { registerServe } from './commands/serve';
import { registerLab } from './commands/lab';
import { registerEngine } from './commands/engine';
import { registerSwarm } from './commands/swarm';
import { registerServiceExplain } from './commands/explain';
import { registerNode } from './commands/node';
import { registerService } from './commands/service';
import { registerExec } from './commands/exec';
import { registerSecretsAndConfigs } from './commands/secret';
import { registerNetwork } from './commands/network';
import { registerVolume } from './commands/volume';
import { registerEvents } from './commands/events';
import { registerStacks } from './commands/stacks';
import { registerMachines } from './commands/machines';
import { registerStats } from './commands/stats';
import { registerCluster } from './commands/cluster';
import { registerStackLogs } from './commands/stack-logs';

export function buildProgram(): Command {
  const program = new Command('flotilla')
    .description('Build and run Docker Swarm clusters: machines, swarm, stacks, and a live task board')
    .version(VERSION)
    .option('-H, --host <url>', 'engine to talk to: unix://, npipe://, tcp://host:2376, ssh://user@host[:port]')
    .option('--tlscacert <file>', 'CA certificate that signed the engine (TLS is always verified)')
    .option('--tlscert <file>', 'client certificate')
    .option('--tlskey <file>', 'client key')
    .option('--ssh-key <file>', 'private key for ssh:// hosts (default: the SSH agent, then ~/.ssh/id_*)')
    .option('--machine <name>', 'target a Flotilla machine by name instead of -H')
    .option('--json', 'machine-readable output')
    .enablePositionalOptions()
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error:/, 'flotilla:')) });
  program.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
  registerServe(program);
  registerLab(program);
  registerEngine(program);
  registerSwarm(program);
  registerNode(program);
  registerService(program);
  registerServiceExplain(program.commands.find((c) => c.name() === 'service')!);
  registerExec(program);
  registerSecretsAndConfigs(program);
  registerNetwork(program);
  registerVolume(program);
  registerEvents(program);
  registerStacks(program);
  registerMachines(program);
  registerStats(program);
  registerCluster(program);
  registerStackLogs(program);
  globalFlagsEverywhere(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    reportError(e);
  }
}
