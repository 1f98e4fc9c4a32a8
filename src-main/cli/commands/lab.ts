// `flotilla lab up|down|status`: the swarm lab (system-container hosts on a private network).
import type { Command } from 'commander';
import { action, intArg, output, progress, table } from '../context';
import { labDown, labStatus, labUp } from '../../host/direct';

interface UpOpts {
  nodes: number;
  name: string;
  subnet?: string;
  nodocker?: boolean;
}

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('the swarm lab: real Docker hosts as system containers on this machine');
  lab
    .command('up')
    .description('start (or complete) a lab of N hosts running systemd, sshd and dockerd; idempotent')
    .requiredOption('--nodes <n>', 'number of hosts', intArg('--nodes', 1, 200))
    .option('--name <name>', 'lab name: network <name>, hosts <name>-n1..nN', process.env.FLOTILLA_LAB_NAME ?? 'flab')
    .option('--subnet <cidr>', 'lab network subnet (default 10.88.0.0/24 for flab, else a free 10.88.K.0/24)')
    .option('--nodocker', 'hosts without Docker installed (for drivers that install it)')
    .action(
      action(async (opts: UpOpts, cmd: Command) => {
        const started = Date.now();
        const nodes = await labUp({ name: opts.name, nodes: opts.nodes, subnet: opts.subnet, image: opts.nodocker ? 'nodocker' : 'docker', onProgress: progress });
        output(cmd, nodes, () => `${table(['NAME', 'IP', 'SSH', 'IDENTITY'], nodes.map((n) => [n.name, n.ip, n.ssh, n.identity]))}\nlab ${opts.name} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }),
    );
  lab
    .command('down')
    .description('remove every container, volume and network of the lab, and its key')
    .option('--name <name>', 'lab name', process.env.FLOTILLA_LAB_NAME ?? 'flab')
    .action(
      action(async (opts: { name: string }, cmd: Command) => {
        const res = await labDown(opts.name);
        output(cmd, res, () => `removed lab ${opts.name}: ${res.containers.length} containers, ${res.volumes.length} volumes, ${res.networks.length} networks`);
      }),
    );
  lab
    .command('status')
    .description('the lab hosts that are running now')
    .option('--name <name>', 'lab name', process.env.FLOTILLA_LAB_NAME ?? 'flab')
    .action(
      action(async (opts: { name: string }, cmd: Command) => {
        const nodes = await labStatus(opts.name);
        output(cmd, nodes, () => (nodes.length ? table(['NAME', 'IP', 'SSH', 'IDENTITY'], nodes.map((n) => [n.name, n.ip, n.ssh, n.identity])) : `lab ${opts.name} is not running: flotilla lab up --nodes 3 --name ${opts.name}`));
      }),
    );
}
