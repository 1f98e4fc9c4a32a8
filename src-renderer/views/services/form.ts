// The Create service form's values -> a swarm.services.create spec, with an error per field the
// person can fix before anything is sent (the core validates again and its message is shown too).
import type { ServiceCreateInput } from '../../../src-main/api/domains/swarm';

export interface CreateFormValues {
  image: string;
  name: string;
  mode: 'replicated' | 'global';
  replicas: string;
  /** command and arguments, shell-like: `sh -c "echo hi; sleep 1d"` */
  command: string;
  /** one per line: 8080:80, 8080:80/udp, 80 */
  ports: string;
  /** one per line: KEY=value */
  env: string;
  /** one per line: node.role==worker */
  constraints: string;
  updateParallelism: string;
  updateDelay: string;
}

export const EMPTY_FORM: CreateFormValues = {
  image: '',
  name: '',
  mode: 'replicated',
  replicas: '1',
  command: '',
  ports: '',
  env: '',
  constraints: '',
  updateParallelism: '',
  updateDelay: '',
};

export type FormErrors = Partial<Record<keyof CreateFormValues, string>>;

/** Docker's service name rule (a DNS label, at most 63 characters). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/** repo[:port]/path:tag[@digest], lowercase repository */
const IMAGE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const PORT = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp|sctp))?$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*=/;
const CONSTRAINT = /^[\w.-]+\s*(==|!=)\s*\S.*$/;

/** Split a command line like a shell would for plain words and quotes (no variables, no globbing). */
export function splitCommand(line: string): { args: string[]; error?: string } {
  const args: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return { args: [], error: `the ${quote === '"' ? 'double' : 'single'} quote is not closed` };
  if (inWord) args.push(cur);
  return { args };
}

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function portError(p: string): string | undefined {
  const m = PORT.exec(p);
  if (!m) return `"${p}" is not a port mapping: write PUBLISHED:TARGET (8080:80), add /udp for UDP`;
  for (const n of [m[1], m[2]]) if (n !== undefined && (Number(n) < 1 || Number(n) > 65535)) return `port ${n} in "${p}" is out of range: use 1-65535`;
  return undefined;
}

/** Checks every field; the spec only when there is no error. */
export function validateCreateForm(v: CreateFormValues): { spec?: ServiceCreateInput; errors: FormErrors } {
  const errors: FormErrors = {};
  const image = v.image.trim();
  if (!image) errors.image = 'an image is needed, e.g. nginx:1.27 or flotilla-lab/busybox:1';
  else if (!IMAGE.test(image)) errors.image = `"${image}" is not an image reference: lowercase name, optional :tag (e.g. nginx:1.27)`;

  const name = v.name.trim();
  if (name && !NAME.test(name)) errors.name = 'letters, digits, "-", "_" and "." only, starting with a letter or digit, at most 63 characters';

  let replicas: number | undefined;
  if (v.mode === 'replicated') {
    const r = v.replicas.trim();
    if (!/^\d+$/.test(r)) errors.replicas = 'a whole number of replicas (0 or more)';
    else if (Number(r) > 1000) errors.replicas = 'at most 1000 replicas from this form';
    else replicas = Number(r);
  }

  const cmd = splitCommand(v.command.trim());
  if (cmd.error) errors.command = cmd.error;

  const ports = lines(v.ports);
  const seen = new Set<string>();
  for (const p of ports) {
    const e = portError(p);
    if (e) {
      errors.ports = e;
      break;
    }
    const m = PORT.exec(p);
    const key = m?.[1] ? `${m[1]}/${m[3] ?? 'tcp'}` : '';
    if (key && seen.has(key)) {
      errors.ports = `port ${key} is published twice: publish each port once`;
      break;
    }
    if (key) seen.add(key);
  }

  const env = lines(v.env);
  const badEnv = env.find((e) => !ENV.test(e));
  if (badEnv) errors.env = `"${badEnv}" is not KEY=value (the key: letters, digits and _, not starting with a digit)`;

  const constraints = lines(v.constraints);
  const badC = constraints.find((c) => !CONSTRAINT.test(c));
  if (badC) errors.constraints = `"${badC}" is not a constraint: write e.g. node.role==worker or node.labels.zone!=a`;

  let updateParallelism: number | undefined;
  if (v.updateParallelism.trim()) {
    if (!/^\d+$/.test(v.updateParallelism.trim())) errors.updateParallelism = 'a whole number (0 = all at once)';
    else updateParallelism = Number(v.updateParallelism.trim());
  }
  const updateDelay = v.updateDelay.trim();
  if (updateDelay && !DURATION.test(updateDelay)) errors.updateDelay = 'a duration like 5s, 1m30s or 500ms';

  if (Object.keys(errors).length) return { errors };
  const spec: ServiceCreateInput = { image };
  if (name) spec.name = name;
  if (v.mode === 'global') spec.mode = 'global';
  else spec.replicas = replicas;
  if (cmd.args.length) spec.args = cmd.args;
  if (ports.length) spec.publish = ports;
  if (env.length) spec.env = env;
  if (constraints.length) spec.constraints = constraints.map((c) => c.replace(/\s*(==|!=)\s*/, '$1'));
  if (updateParallelism !== undefined) spec.updateParallelism = updateParallelism;
  if (updateDelay) spec.updateDelay = updateDelay;
  return { spec, errors };
}

/** The update-image form: a new image reference plus an optional rollout pace. */
export function validateImageUpdate(v: { image: string; parallelism: string; delay: string }): { update?: { image: string; updateParallelism?: number; updateDelay?: string }; error?: string } {
  const image = v.image.trim();
  if (!image) return { error: 'an image is needed' };
  if (!IMAGE.test(image)) return { error: `"${image}" is not an image reference: lowercase name, optional :tag` };
  const update: { image: string; updateParallelism?: number; updateDelay?: string } = { image };
  if (v.parallelism.trim()) {
    if (!/^\d+$/.test(v.parallelism.trim())) return { error: 'parallelism: a whole number (0 = all at once)' };
    update.updateParallelism = Number(v.parallelism.trim());
  }
  if (v.delay.trim()) {
    if (!DURATION.test(v.delay.trim())) return { error: 'delay: a duration like 5s or 1m' };
    update.updateDelay = v.delay.trim();
  }
  return { update };
}
