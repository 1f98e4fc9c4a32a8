// `service create` and `service update` read their flags from one table: each verb gets its own flags, shared ones
// (--replicas, --update-*) mean the same in both, and a bad value names its flag before anything is sent.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addServiceFlags, createInput, SERVICE_FLAGS, updateInput } from './service-flags';

function parse(verb: 'create' | 'update', argv: string[]): Record<string, unknown> {
  const cmd = addServiceFlags(new Command(verb).exitOverride(), verb);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

describe('service flags', () => {
  it('gives each verb its own flags and both the shared ones, each defined once', () => {
    const longs = (verb: 'create' | 'update') => addServiceFlags(new Command(), verb).options.map((o) => o.long);
    expect(longs('create')).toEqual(expect.arrayContaining(['--name', '--replicas', '--env', '--update-delay', '--no-healthcheck', '--detach']));
    expect(longs('create')).not.toContain('--env-add');
    expect(longs('update')).toEqual(expect.arrayContaining(['--image', '--replicas', '--env-add', '--update-delay', '--force']));
    expect(longs('update')).not.toContain('--name');
    const spelled = SERVICE_FLAGS.map((f) => f.flags);
    expect(new Set(spelled).size).toBe(spelled.length);
  });

  it('fills the contract fields of create, with numbers, lists and the healthcheck switch', () => {
    const o = parse('create', ['--name', 'web', '--replicas', '3', '-e', 'A=1', '-e', 'B=2', '--limit-cpu', '0.5', '--update-order', 'start-first', '--no-healthcheck']);
    const spec = createInput('nginx', ['sh', '-c', 'x'], o);
    expect(spec).toMatchObject({ image: 'nginx', args: ['sh', '-c', 'x'], name: 'web', replicas: 3, env: ['A=1', 'B=2'], limitCpu: 0.5, updateOrder: 'start-first', noHealthcheck: true });
    expect(createInput('nginx', [], parse('create', [])).noHealthcheck).toBe(false);
  });

  it('fills the contract fields of update, with --args as shell words', () => {
    const u = updateInput(parse('update', ['--replicas', '0', '--args', 'sleep  60', '--env-add', 'A=1', '--force']));
    expect(u).toMatchObject({ replicas: 0, args: ['sleep', '60'], envAdd: ['A=1'], force: true });
    expect(updateInput(parse('update', [])).force).toBe(false);
  });

  it('gives a bare --env / --env-add NAME the value this process has, as opts.ValidateEnv does', () => {
    process.env.FLOTILLA_SF_SPEC = 'v1';
    try {
      expect(createInput('nginx', [], parse('create', ['-e', 'FLOTILLA_SF_SPEC', '-e', 'FLOTILLA_SF_UNSET', '-e', 'A=1'])).env).toEqual(['FLOTILLA_SF_SPEC=v1', 'FLOTILLA_SF_UNSET', 'A=1']);
      expect(updateInput(parse('update', ['--env-add', 'FLOTILLA_SF_SPEC'])).envAdd).toEqual(['FLOTILLA_SF_SPEC=v1']);
    } finally {
      delete process.env.FLOTILLA_SF_SPEC;
    }
  });

  it('names the flag of a bad value, choices first, the same way in both verbs', () => {
    for (const verb of ['create', 'update'] as const) {
      const input = (argv: string[]) => (verb === 'create' ? createInput('nginx', [], parse(verb, argv)) : updateInput(parse(verb, argv)));
      expect(() => input(['--replicas', 'two'])).toThrow('invalid --replicas "two": expected a whole number from 0 upwards');
      expect(() => input(['--update-failure-action', 'explode'])).toThrow('invalid --update-failure-action "explode": expected pause, continue, rollback');
      expect(() => input(['--replicas', 'x', '--update-order', 'sideways'])).toThrow('invalid --update-order "sideways": expected stop-first, start-first');
    }
    expect(() => createInput('nginx', [], parse('create', ['--limit-cpu', '-1']))).toThrow('invalid --limit-cpu "-1": expected a positive number like 0.5');
  });
});
