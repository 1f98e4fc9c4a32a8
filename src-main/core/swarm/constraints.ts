// Placement constraints evaluated the way swarmkit's scheduler does (manager/constraint/constraint.go), so that
// "why is this task pending" can name the constraint that fails on each node. Pure: no engine calls.
//
// Hand-written because no maintained JS library implements swarmkit's constraint grammar. The rules, as swarmkit has them:
// - an expression is `key op value`, op `==` or `!=` (the first of the two found, in that order); key and value trimmed;
// - keys compare case-insensitively: node.id, node.hostname, node.ip (address or CIDR), node.role,
//   node.platform.os, node.platform.arch, node.labels.NAME, engine.labels.NAME (the label NAME itself case-sensitive);
// - values compare as whole strings, case-insensitively; a missing attribute or label is the empty string
//   (so `!=` matches it and `==` does not); an unknown key never matches.
import { BlockList, isIP } from 'node:net';

export interface ConstraintNode {
  id: string;
  hostname: string;
  /** Status.Addr */
  ip: string;
  role: string;
  os: string;
  arch: string;
  labels: Record<string, string>;
  engineLabels: Record<string, string>;
}

export interface Constraint {
  /** the expression as written in the service spec */
  text: string;
  key: string;
  op: '==' | '!=';
  value: string;
}

const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;

/** Parses one constraint expression; throws an Error naming what is wrong (the engine refuses the same). */
export function parseConstraint(text: string): Constraint {
  for (const op of ['==', '!='] as const) {
    const at = text.indexOf(op);
    if (at < 0) continue;
    const key = text.slice(0, at).trim();
    const value = text.slice(at + op.length).trim();
    if (!KEY.test(key)) throw new Error(`constraint "${text}": key '${key}' is invalid`);
    if (!VALUE.test(value)) throw new Error(`constraint "${text}": value '${value}' is invalid`);
    return { text, key, op, value };
  }
  throw new Error(`constraint "${text}": expected one operator from ==, !=`);
}

const NODE_LABELS = 'node.labels.';
const ENGINE_LABELS = 'engine.labels.';

/** What the node has for a constraint's key; undefined for a key swarmkit does not know (never matches). */
export function attributeOf(key: string, n: ConstraintNode): string | undefined {
  const k = key.toLowerCase();
  switch (k) {
    case 'node.id':
      return n.id;
    case 'node.hostname':
      return n.hostname;
    case 'node.ip':
      return n.ip;
    case 'node.role':
      return n.role;
    case 'node.platform.os':
      return n.os;
    case 'node.platform.arch':
      return n.arch;
  }
  if (k.length > NODE_LABELS.length && k.startsWith(NODE_LABELS)) return n.labels[key.slice(NODE_LABELS.length)] ?? '';
  if (k.length > ENGINE_LABELS.length && k.startsWith(ENGINE_LABELS)) return n.engineLabels[key.slice(ENGINE_LABELS.length)] ?? '';
  return undefined;
}

/** True when the node satisfies the constraint. */
export function constraintMatches(c: Constraint, n: ConstraintNode): boolean {
  const have = attributeOf(c.key, n);
  if (have === undefined) return false;
  if (c.key.toLowerCase() === 'node.ip') {
    const within = ipMatches(c.value, have);
    if (within === undefined) return false; // a malformed address or network never matches
    return c.op === '==' ? within : !within;
  }
  const equal = have.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? equal : !equal;
}

/** The constraints (as written) the node fails; an unparsable one is reported as failing with its parse error. */
export function failingConstraints(constraints: string[], n: ConstraintNode): Array<{ text: string; have?: string; problem?: string }> {
  const out: Array<{ text: string; have?: string; problem?: string }> = [];
  for (const text of constraints) {
    let c: Constraint;
    try {
      c = parseConstraint(text);
    } catch (e) {
      out.push({ text, problem: (e as Error).message });
      continue;
    }
    if (constraintMatches(c, n)) continue;
    const have = attributeOf(c.key, n);
    out.push(have === undefined ? { text, problem: `unknown constraint key ${c.key}` } : { text, have });
  }
  return out;
}

// ---- node.ip: an address or a CIDR network (IPv4 and IPv6), through node's own BlockList ----

/** Whether `addr` is the address, or lies in the network, `want`; undefined when `want` is neither. */
export function ipMatches(want: string, addr: string): boolean | undefined {
  const slash = want.indexOf('/');
  const base = slash < 0 ? want : want.slice(0, slash);
  const version = isIP(base);
  if (!version) return undefined;
  const type = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (slash < 0) list.addAddress(base, type);
  else {
    const bits = want.slice(slash + 1);
    if (!/^\d+$/.test(bits) || Number(bits) > (version === 4 ? 32 : 128)) return undefined;
    list.addSubnet(base, Number(bits), type);
  }
  const have = isIP(addr);
  if (!have) return false;
  return list.check(addr, have === 4 ? 'ipv4' : 'ipv6');
}
