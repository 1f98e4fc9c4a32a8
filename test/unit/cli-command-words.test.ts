// Options end at the first argument where a verb takes a command after it (docker's `service create IMAGE
// [COMMAND] [ARG...]`, `exec`, docker-machine's `ssh`); the global flags still work after any verb.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src-main/cli/main';
import { commandWords, globals } from '../../src-main/cli/context';

interface Seen {
  args: unknown[];
  opts: Record<string, unknown>;
  globals: Record<string, unknown>;
}

/** Parses argv with the real program, the chosen verb's action replaced by one that records what it got. */
async function parse(verb: string[], argv: string[]): Promise<Seen> {
  const program = buildProgram();
  let cmd: Command = program;
  for (const v of verb) cmd = cmd.commands.find((c) => c.name() === v)!;
  let seen: Seen | undefined;
  cmd.action((...a: unknown[]) => {
    const self = a[a.length - 1] as Command;
    seen = { args: a.slice(0, -2), opts: self.opts(), globals: { ...globals(self) } };
  });
  await program.parseAsync(argv, { from: 'user' });
  if (!seen) throw new Error(`${verb.join(' ')} did not run for ${argv.join(' ')}`);
  return seen;
}

describe('options end at the image / target / machine, as in docker', () => {
  it('service create IMAGE sh -c ... takes everything after the image as the command', async () => {
    const s = await parse(['service', 'create'], ['service', 'create', '--name', 'talker', '--replicas', '2', 'alpine', 'sh', '-c', 'echo hi; sleep 1000']);
    expect(s.args).toEqual(['alpine', ['sh', '-c', 'echo hi; sleep 1000']]);
    expect(s.opts).toMatchObject({ name: 'talker', replicas: '2' });
  });

  it('service create: flags after the image are the command\'s, even ones create knows', async () => {
    const s = await parse(['service', 'create'], ['service', 'create', 'alpine', 'ls', '--name', 'x', '-e', 'A=1', '--json']);
    expect(s.args).toEqual(['alpine', ['ls', '--name', 'x', '-e', 'A=1', '--json']]);
    expect(s.opts.name).toBeUndefined();
    expect(s.globals.json).toBeUndefined();
  });

  it('-- is still accepted before the image and after it', async () => {
    const before = await parse(['service', 'create'], ['service', 'create', '--name', 'n', '--', 'alpine', 'sh', '-c', 'x']);
    expect(before.args).toEqual(['alpine', ['sh', '-c', 'x']]);
    const after = await parse(['service', 'create'], ['service', 'create', 'alpine', '--', 'sh', '-c', 'x']);
    expect(commandWords(after.args[1] as string[])).toEqual(['sh', '-c', 'x']);
  });

  it('exec TARGET and machine ssh NAME pass the command\'s flags through', async () => {
    const e = await parse(['exec'], ['exec', '-u', 'root', 'web.1', 'ls', '-la', '-u', 'x']);
    expect(e.args).toEqual(['web.1', ['ls', '-la', '-u', 'x']]);
    expect(e.opts.user).toBe('root');
    const m = await parse(['machine', 'ssh'], ['machine', 'ssh', 'm1', 'df', '-h', '--json']);
    expect(m.args).toEqual(['m1', ['df', '-h', '--json']]);
    expect(m.globals.json).toBeUndefined();
  });

  it('global flags work before the verb and after it, as before', async () => {
    expect((await parse(['service', 'ls'], ['--json', '-H', 'unix:///x.sock', 'service', 'ls'])).globals).toMatchObject({ json: true, host: 'unix:///x.sock' });
    expect((await parse(['service', 'ls'], ['service', 'ls', '--json', '-H', 'unix:///x.sock'])).globals).toMatchObject({ json: true, host: 'unix:///x.sock' });
    expect((await parse(['service', 'create'], ['service', 'create', '--json', '--machine', 'm1', 'alpine', 'true'])).globals).toMatchObject({ json: true, machine: 'm1' });
    expect((await parse(['service', 'logs'], ['service', 'logs', 'web', '--json', '-f'])).globals).toMatchObject({ json: true });
  });
});
