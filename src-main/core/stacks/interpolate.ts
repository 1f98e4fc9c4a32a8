// Variable substitution as docker/cli's compose template and interpolation packages do it: only string
// values (never keys), `$$` escapes, `${VAR:-d}` / `${VAR-d}` / `${VAR:?e}` / `${VAR?e}`, and the unbraced
// form also takes modifiers. Values changed by interpolation are cast for the fields the CLI casts.
import type { Json } from './types';

export type EnvMap = Record<string, string | undefined>;

export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

const NAME = '[_a-z][_a-z0-9]*';
const SUBST = `${NAME}(?::?[-?][^}]*)?`;
const PATTERN = new RegExp(`\\$(?:(\\$)|(${SUBST})|\\{(${SUBST})\\}|())`, 'gi');

/** Substitutes one string; throws a plain Error with the CLI's inner message on a bad template. */
export function substitute(template: string, env: EnvMap): string {
  let failure: string | undefined;
  const out = template.replace(PATTERN, (_m, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (failure) return '';
    if (escaped) return '$';
    const sub = named ?? braced;
    if (!sub) {
      failure = `invalid`;
      return '';
    }
    const m = /^([_a-z][_a-z0-9]*)(:?[-?])?([\s\S]*)$/i.exec(sub);
    if (!m) {
      failure = 'invalid';
      return '';
    }
    const [, name, op, rest] = m;
    const value = env[name];
    switch (op) {
      case ':-':
        return value ? value : rest;
      case '-':
        return value !== undefined ? value : rest;
      case ':?':
        if (!value) failure = `required variable ${name} is missing a value: ${rest}`;
        return value ?? '';
      case '?':
        if (value === undefined) failure = `required variable ${name} is missing a value: ${rest}`;
        return value ?? '';
      default:
        return value ?? '';
    }
  });
  if (failure) throw new Error(failure === 'invalid' ? template : failure);
  return out;
}

type Cast = 'int' | 'float' | 'bool';
// Paths (with * for any key) whose interpolated values the CLI casts, from cli/compose/loader/interpolate.go.
const CASTS: Array<[string, Cast]> = [
  ['configs.*.external', 'bool'],
  ['networks.*.external', 'bool'],
  ['networks.*.internal', 'bool'],
  ['networks.*.attachable', 'bool'],
  ['secrets.*.external', 'bool'],
  ['volumes.*.external', 'bool'],
  ['services.*.configs.*.mode', 'int'],
  ['services.*.secrets.*.mode', 'int'],
  ['services.*.healthcheck.retries', 'int'],
  ['services.*.healthcheck.disable', 'bool'],
  ['services.*.deploy.replicas', 'int'],
  ['services.*.deploy.update_config.parallelism', 'int'],
  ['services.*.deploy.update_config.max_failure_ratio', 'float'],
  ['services.*.deploy.rollback_config.parallelism', 'int'],
  ['services.*.deploy.rollback_config.max_failure_ratio', 'float'],
  ['services.*.deploy.restart_policy.max_attempts', 'int'],
  ['services.*.deploy.placement.max_replicas_per_node', 'int'],
  ['services.*.ports.*.target', 'int'],
  ['services.*.ports.*.published', 'int'],
  ['services.*.ulimits.*', 'int'],
  ['services.*.ulimits.*.hard', 'int'],
  ['services.*.ulimits.*.soft', 'int'],
  ['services.*.privileged', 'bool'],
  ['services.*.read_only', 'bool'],
  ['services.*.stdin_open', 'bool'],
  ['services.*.tty', 'bool'],
  ['services.*.volumes.*.read_only', 'bool'],
  ['services.*.volumes.*.volume.nocopy', 'bool'],
  ['services.*.oom_score_adj', 'int'],
];

function castFor(path: string[]): Cast | undefined {
  for (const [pattern, cast] of CASTS) {
    const p = pattern.split('.');
    if (p.length === path.length && p.every((seg, i) => seg === '*' || seg === path[i])) return cast;
  }
  return undefined;
}

function doCast(value: string, cast: Cast): Json {
  if (cast === 'int') {
    if (!/^[-+]?\d+$/.test(value.trim())) throw new Error(`strconv.Atoi: parsing "${value}": invalid syntax`);
    return parseInt(value, 10);
  }
  if (cast === 'float') {
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) throw new Error(`strconv.ParseFloat: parsing "${value}": invalid syntax`);
    return n;
  }
  const v = value.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(v)) return true;
  if (['n', 'no', 'false', 'off'].includes(v)) return false;
  throw new Error(`invalid boolean: ${value}`);
}

/** Interpolates every string value of a compose dict (keys untouched), casting where the CLI casts. */
export function interpolate(value: Json, env: EnvMap, path: string[] = []): Json {
  if (typeof value === 'string') {
    const dotted = path.join('.');
    let out: string;
    try {
      out = substitute(value, env);
    } catch (e) {
      throw new InterpolationError(`invalid interpolation format for ${dotted}: ${JSON.stringify((e as Error).message)}; you may need to escape any $ with another $`, dotted);
    }
    if (out === value) return value;
    const cast = castFor(path);
    if (!cast) return out;
    try {
      return doCast(out, cast);
    } catch (e) {
      throw new InterpolationError(`error while interpolating ${dotted}: failed to cast to expected type: ${(e as Error).message}`, dotted);
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, String(i)]));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, [...path, k]);
    return out;
  }
  return value;
}
