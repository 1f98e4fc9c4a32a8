// `flotilla exec`: a command in a task's container on whichever node runs it, as `docker exec` runs one locally.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { action, commandWords, globals, withHost } from '../context';
import { collect } from '../format';

export function registerExec(program: Command): void {
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
        await withHost(cmd, async (host, engineId) => {
          if (!o.interactive && !o.tty) {
            const r = await host.call('swarm.exec', { engineId, target, cmd: argv, user: o.user, workdir: o.workdir, env: o.env });
            if (globals(cmd).json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
            else {
              process.stdout.write(r.stdout);
              process.stderr.write(r.stderr);
            }
            process.exitCode = r.exitCode;
            return;
          }
          const s = await host.execInTask(engineId, target, {
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
}
