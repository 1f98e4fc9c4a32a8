// The flags of `service create` and `service update`, defined once: each flag's spelling, help, how its value is
// checked and which contract field it fills. A flag both verbs take (--replicas, --update-*) is one entry, so the
// two cannot disagree on its meaning or its error. The order is the order help lists them in.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { ServiceCreateInput, ServiceUpdateInput } from '../../api/domains/swarm';
import { collect } from '../format';

type Verb = 'create' | 'update';
type Field = keyof ServiceCreateInput | keyof ServiceUpdateInput;
/** text as given; a repeatable flag; repeatable NAME[=VALUE]; a whole number; a positive number; one of a set; a switch; shell words */
type Kind = { t: 'text' } | { t: 'list' } | { t: 'env' } | { t: 'int' } | { t: 'cpus' } | { t: 'enum'; values: string[] } | { t: 'switch' } | { t: 'words' };

interface ServiceFlag {
  flags: string;
  /** the help line; per verb where the two word it differently */
  help: string | Record<Verb, string>;
  /** the contract field it fills (undefined: a flag the verb reads itself, like --detach) */
  field?: Field;
  kind: Kind;
  verbs: Verb[];
}

const both: Verb[] = ['create', 'update'];
const create: Verb[] = ['create'];
const update: Verb[] = ['update'];
const text = { t: 'text' } as const;
const list = { t: 'list' } as const;
const env = { t: 'env' } as const;
const int = { t: 'int' } as const;
const cpus = { t: 'cpus' } as const;
const on = { t: 'switch' } as const;
const oneOf = (...values: string[]): Kind => ({ t: 'enum', values });

export const SERVICE_FLAGS: ServiceFlag[] = [
  { flags: '--image <image>', help: 'new image', field: 'image', kind: text, verbs: update },
  { flags: '--args <cmd>', help: 'new command (shell words split on spaces)', field: 'args', kind: { t: 'words' }, verbs: update },
  { flags: '--name <name>', help: 'service name', field: 'name', kind: text, verbs: create },
  { flags: '--replicas <n>', help: 'number of tasks', field: 'replicas', kind: int, verbs: both },
  { flags: '--mode <mode>', help: 'replicated or global', field: 'mode', kind: oneOf('replicated', 'global'), verbs: create },
  { flags: '-p, --publish <spec>', help: 'PUBLISHED:TARGET[/proto] or published=..,target=..,mode=host', field: 'publish', kind: list, verbs: create },
  { flags: '-e, --env <K=V>', help: 'environment variable', field: 'env', kind: env, verbs: create },
  { flags: '--env-add <K=V>', help: 'add or change an env variable', field: 'envAdd', kind: env, verbs: update },
  { flags: '--env-rm <K>', help: 'remove an env variable', field: 'envRm', kind: list, verbs: update },
  { flags: '--publish-add <spec>', help: 'publish a port', field: 'publishAdd', kind: list, verbs: update },
  { flags: '--publish-rm <spec>', help: 'unpublish a port (target or full spec)', field: 'publishRm', kind: list, verbs: update },
  { flags: '--mount <spec>', help: 'type=volume|bind|tmpfs,source=..,target=..[,readonly]', field: 'mounts', kind: list, verbs: create },
  { flags: '--network <name>', help: 'attach to a network', field: 'networks', kind: list, verbs: create },
  { flags: '--constraint <expr>', help: 'placement constraint, e.g. node.role==worker', field: 'constraints', kind: list, verbs: create },
  { flags: '--placement-pref <pref>', help: 'spread=node.labels.KEY', field: 'placementPrefs', kind: list, verbs: create },
  { flags: '-l, --label <K=V>', help: 'service label', field: 'labels', kind: list, verbs: create },
  { flags: '--label-add <K=V>', help: 'add a service label', field: 'labelAdd', kind: list, verbs: update },
  { flags: '--label-rm <K>', help: 'remove a service label', field: 'labelRm', kind: list, verbs: update },
  { flags: '--constraint-add <expr>', help: 'add a constraint', field: 'constraintAdd', kind: list, verbs: update },
  { flags: '--constraint-rm <expr>', help: 'remove a constraint', field: 'constraintRm', kind: list, verbs: update },
  { flags: '--container-label <K=V>', help: 'container label', field: 'containerLabels', kind: list, verbs: create },
  { flags: '--secret <spec>', help: 'NAME or source=NAME,target=PATH[,mode=0400]', field: 'secrets', kind: list, verbs: create },
  { flags: '--config <spec>', help: 'NAME or source=NAME,target=PATH', field: 'configs', kind: list, verbs: create },
  { flags: '--update-parallelism <n>', help: 'tasks updated at once', field: 'updateParallelism', kind: int, verbs: both },
  { flags: '--update-delay <d>', help: { create: 'delay between update batches, e.g. 10s', update: 'delay between batches' }, field: 'updateDelay', kind: text, verbs: both },
  { flags: '--update-failure-action <a>', help: 'pause, continue or rollback', field: 'updateFailureAction', kind: oneOf('pause', 'continue', 'rollback'), verbs: both },
  { flags: '--update-order <o>', help: 'stop-first or start-first', field: 'updateOrder', kind: oneOf('stop-first', 'start-first'), verbs: both },
  { flags: '--update-monitor <d>', help: 'time to watch each task after update', field: 'updateMonitor', kind: text, verbs: create },
  { flags: '--rollback-parallelism <n>', help: 'tasks rolled back at once', field: 'rollbackParallelism', kind: int, verbs: create },
  { flags: '--rollback-delay <d>', help: 'delay between rollback batches', field: 'rollbackDelay', kind: text, verbs: create },
  { flags: '--rollback-failure-action <a>', help: 'pause or continue', field: 'rollbackFailureAction', kind: oneOf('pause', 'continue'), verbs: create },
  { flags: '--rollback-order <o>', help: 'stop-first or start-first', field: 'rollbackOrder', kind: oneOf('stop-first', 'start-first'), verbs: create },
  { flags: '--restart-condition <c>', help: 'none, on-failure or any', field: 'restartCondition', kind: oneOf('none', 'on-failure', 'any'), verbs: create },
  { flags: '--restart-delay <d>', help: 'delay between restarts', field: 'restartDelay', kind: text, verbs: create },
  { flags: '--restart-max-attempts <n>', help: 'give up after N restarts', field: 'restartMaxAttempts', kind: int, verbs: create },
  { flags: '--limit-cpu <cpus>', help: 'CPU limit, e.g. 0.5', field: 'limitCpu', kind: cpus, verbs: create },
  { flags: '--limit-memory <size>', help: 'memory limit, e.g. 256m', field: 'limitMemory', kind: text, verbs: create },
  { flags: '--reserve-cpu <cpus>', help: 'CPU reservation', field: 'reserveCpu', kind: cpus, verbs: create },
  { flags: '--reserve-memory <size>', help: 'memory reservation', field: 'reserveMemory', kind: text, verbs: create },
  { flags: '--health-cmd <cmd>', help: 'healthcheck command (shell)', field: 'healthCmd', kind: text, verbs: create },
  { flags: '--health-interval <d>', help: 'healthcheck interval', field: 'healthInterval', kind: text, verbs: create },
  { flags: '--health-timeout <d>', help: 'healthcheck timeout', field: 'healthTimeout', kind: text, verbs: create },
  { flags: '--health-retries <n>', help: 'failures before unhealthy', field: 'healthRetries', kind: int, verbs: create },
  // commander sets `healthcheck` to false for --no-healthcheck (true otherwise)
  { flags: '--no-healthcheck', help: 'disable the image healthcheck', field: 'noHealthcheck', kind: on, verbs: create },
  { flags: '-w, --workdir <dir>', help: 'working directory', field: 'workdir', kind: text, verbs: create },
  { flags: '-u, --user <user>', help: 'user', field: 'user', kind: text, verbs: create },
  { flags: '--hostname <name>', help: 'container hostname', field: 'hostname', kind: text, verbs: create },
  { flags: '--stop-grace-period <d>', help: 'time before SIGKILL', field: 'stopGracePeriod', kind: text, verbs: create },
  { flags: '-d, --detach', help: 'return at once (default)', kind: on, verbs: create },
  { flags: '--force', help: 'redeploy tasks even without a change', field: 'force', kind: on, verbs: update },
];

const flagsOf = (verb: Verb): ServiceFlag[] => SERVICE_FLAGS.filter((f) => f.verbs.includes(verb));

/** the option's long name (`--update-order`) and commander's key for it (`updateOrder`; `healthcheck` for --no-healthcheck) */
function names(f: ServiceFlag): { long: string; key: string } {
  const long = /--[a-z-]+/.exec(f.flags)![0];
  const bare = long.replace(/^--(no-)?/, '');
  return { long, key: bare.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) };
}

/** adds the verb's flags to its command */
export function addServiceFlags(cmd: Command, verb: Verb): Command {
  for (const f of flagsOf(verb)) {
    const help = typeof f.help === 'string' ? f.help : f.help[verb];
    if (f.kind.t === 'list' || f.kind.t === 'env') cmd.option(f.flags, help, collect);
    else cmd.option(f.flags, help);
  }
  return cmd;
}

/**
 * The contract fields the verb's flags fill, each value checked as its entry says: every choice among fixed values
 * first, then the numbers, so a bad value fails with a message naming its flag before anything is sent.
 */
function fieldsFrom(o: Record<string, unknown>, verb: Verb): Record<string, unknown> {
  const flags = flagsOf(verb).filter((f) => f.field);
  for (const f of flags) {
    const v = o[names(f).key];
    if (f.kind.t === 'enum' && v !== undefined && !f.kind.values.includes(String(v))) throw new FlotillaError('BAD_INPUT', `invalid ${names(f).long} "${String(v)}": expected ${f.kind.values.join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const { long, key } = names(f);
    const v = o[key];
    switch (f.kind.t) {
      case 'int':
        if (v !== undefined && !/^\d+$/.test(String(v))) throw new FlotillaError('BAD_INPUT', `invalid ${long} "${String(v)}": expected a whole number from 0 upwards`);
        out[f.field!] = v === undefined ? undefined : Number(v);
        break;
      case 'cpus': {
        const n = Number(v);
        if (v !== undefined && (!Number.isFinite(n) || n <= 0)) throw new FlotillaError('BAD_INPUT', `invalid ${long} "${String(v)}": expected a positive number like 0.5`);
        out[f.field!] = v === undefined ? undefined : n;
        break;
      }
      case 'switch':
        out[f.field!] = long.startsWith('--no-') ? v === false : Boolean(v);
        break;
      case 'env':
        // opts.ValidateEnv: a bare NAME takes this process's value when it has one, else stays a bare NAME
        out[f.field!] = (v as string[] | undefined)?.map((e) => (e.includes('=') || process.env[e] === undefined ? e : `${e}=${process.env[e]}`));
        break;
      case 'words':
        out[f.field!] = v ? String(v).split(/\s+/).filter(Boolean) : undefined;
        break;
      default:
        out[f.field!] = v;
    }
  }
  return out;
}

/** `service create IMAGE [COMMAND...]` as the contract's service spec */
export function createInput(image: string, args: string[], o: Record<string, unknown>): ServiceCreateInput {
  const { name, ...rest } = fieldsFrom(o, 'create');
  return { image, ...(args.length ? { args } : {}), name, ...rest } as ServiceCreateInput;
}

/** `service update`'s flags as the contract's update */
export function updateInput(o: Record<string, unknown>): ServiceUpdateInput {
  return fieldsFrom(o, 'update') as ServiceUpdateInput;
}
