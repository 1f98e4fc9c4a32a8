// JSON-schema validation with the docker CLI's compose 3.x schemas (assets/compose-schemas, Apache-2.0),
// reduced to the single most specific error the CLI prints: `<dotted.field> <description>`.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { appRoot } from '../paths';
import { parseShortPort } from './normalize';
import type { Json } from './types';

export const DEFAULT_VERSION = '3.13';

/** schema.Version: missing, empty or "3" means the latest 3.x. */
export function composeVersion(dict: Record<string, Json>): string {
  if (!('version' in dict)) return DEFAULT_VERSION;
  const v = dict.version;
  return normalizeVersion(v === null ? '<nil>' : String(v));
}

export function normalizeVersion(v: string): string {
  return v === '' || v === '3' ? DEFAULT_VERSION : v;
}

export function schemaDir(): string {
  const candidates = [process.env.FLOTILLA_COMPOSE_SCHEMAS, path.join(appRoot(), 'assets', 'compose-schemas'), path.resolve('assets', 'compose-schemas')];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, `config_schema_v${DEFAULT_VERSION}.json`))) return c;
  throw new Error('the bundled compose schemas (assets/compose-schemas) are missing: reinstall Flotilla');
}

/** Versions the CLI knows (3.0 to 3.13): each has its own bundled schema, exactly as docker CLI 28 embeds them. */
export const CLI_VERSIONS = Array.from({ length: 14 }, (_, i) => `3.${i}`);

export function bundledVersions(): string[] {
  const dir = schemaDir();
  return CLI_VERSIONS.filter((v) => fs.existsSync(path.join(dir, `config_schema_v${v}.json`)));
}

export interface SchemaChoice {
  /** the schema file used: always the file's own version, as the CLI does */
  used: string;
}

/** Chooses the schema of exactly this version; throws the CLI's error for versions the CLI does not know. */
export function chooseSchema(version: string): SchemaChoice {
  if (!CLI_VERSIONS.includes(version)) throw new Error(`unsupported Compose file version: ${version}`);
  if (!fs.existsSync(path.join(schemaDir(), `config_schema_v${version}.json`))) throw new Error(`the bundled compose schema for version ${version} (assets/compose-schemas/config_schema_v${version}.json) is missing: reinstall Flotilla`);
  return { used: version };
}

// Inline every local $ref (the compose schemas are not recursive) so each error's schemaPath shows which
// oneOf branch it came from, and drop draft-04 `id`s that ajv (draft-07) would misread.
function inline(node: unknown, root: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, root));
  if (!node || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o.$ref === 'string' && o.$ref.startsWith('#/')) {
    let target: unknown = root;
    for (const seg of o.$ref.slice(2).split('/')) target = (target as Record<string, unknown>)[seg];
    return inline(target, root);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'id' && typeof v === 'string') continue;
    if (k === '$schema') continue;
    out[k] = k === 'properties' || k === 'patternProperties' || k === 'definitions' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, inline(pv, root)])) : inline(v, root);
  }
  return out;
}

/** Go time.ParseDuration. */
export const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

function portSpecParses(s: string): boolean {
  try {
    parseShortPort(s, () => undefined);
    return true;
  } catch {
    return false;
  }
}

const compiled = new Map<string, ValidateFunction>();
function validator(version: string): ValidateFunction {
  let v = compiled.get(version);
  if (!v) {
    const raw = JSON.parse(fs.readFileSync(path.join(schemaDir(), `config_schema_v${version}.json`), 'utf8')) as Record<string, unknown>;
    const schema = inline(raw, raw) as Record<string, unknown>;
    delete schema.definitions;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    // docker/cli's portsFormatChecker: the short syntax must parse as nat.ParsePortSpec parses it (`1:2:3:4` fails
    // on its IP address `1:2`)
    ajv.addFormat('ports', { type: 'string', validate: (s: string) => portSpecParses(s) });
    ajv.addFormat('expose', true);
    ajv.addFormat('duration', { type: 'string', validate: (s: string) => GO_DURATION.test(s) });
    v = ajv.compile(schema);
    compiled.set(version, v);
  }
  return v;
}

export interface SchemaError {
  /** dotted field as the CLI prints it; '(root)' for the top level */
  field: string;
  /** the CLI's message: `<field> <description>` */
  message: string;
  /** where to point: the field, or for an additional property the property itself */
  at: string;
}

function fieldOf(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.length ? parts.join('.') : '(root)';
}

function humanType(t: unknown): string {
  const one = (s: string) => (s === 'object' ? 'mapping' : s === 'array' ? 'list' : s);
  if (Array.isArray(t)) {
    const all = t.map(String).map(one);
    return `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
  }
  return one(String(t));
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `must be a ${humanType(p.type)}`;
    case 'additionalProperties':
      return `Additional property ${String(p.additionalProperty)} is not allowed`;
    case 'required':
      return `${String(p.missingProperty)} is required`;
    case 'format':
      return `Does not match format '${String(p.format)}'`;
    case 'enum':
      return `${fieldOf(e)} must be one of the following: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'oneOf':
      return 'Must validate one and only one schema (oneOf)';
    case 'anyOf':
      return 'Must validate at least one schema (anyOf)';
    case 'uniqueItems':
      return 'array items must be unique';
    case 'minimum':
      return `must be greater than or equal to ${String(p.limit)}`;
    default:
      return e.message ?? e.keyword;
  }
}

/**
 * gojsonschema keeps, for a failed oneOf/anyOf, only the errors of its best branch and lists them after the
 * oneOf error itself. Reproduce that: drop errors of the other branches (preferring a branch whose type
 * matched) and move each oneOf before its children.
 */
function gojsonOrder(errors: ErrorObject[]): ErrorObject[] {
  let list = [...errors];
  const branchers = list.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const parent of branchers) {
    if (!list.includes(parent)) continue;
    const prefix = parent.schemaPath.replace(/\/(oneOf|anyOf)$/, `/${parent.keyword}/`);
    const children = list.filter((e) => e !== parent && e.schemaPath.startsWith(prefix));
    const byBranch = new Map<string, ErrorObject[]>();
    for (const c of children) {
      const b = c.schemaPath.slice(prefix.length).split('/')[0];
      byBranch.set(b, [...(byBranch.get(b) ?? []), c]);
    }
    const typeMismatch = (errs: ErrorObject[]) => errs.some((c) => c.keyword === 'type' && c.instancePath === parent.instancePath);
    const branches = [...byBranch.entries()];
    const best = branches.find(([, errs]) => !typeMismatch(errs)) ?? branches[0];
    const keep = new Set(best ? best[1] : []);
    list = list.filter((e) => !children.includes(e) || keep.has(e));
    // move parent before its first kept child
    const kept = list.filter((e) => keep.has(e));
    if (kept.length) {
      list = list.filter((e) => e !== parent);
      list.splice(list.indexOf(kept[0]), 0, parent);
    }
  }
  return list;
}

/** how deep an error's field is: getMostSpecificError prefers the deepest */
const depth = (e: ErrorObject): number => fieldOf(e).split('.').length;

/** docker/cli getMostSpecificError: the deepest field wins, invalid_type wins ties, oneOf uses its child's text. */
export function mostSpecific(errors: ErrorObject[]): SchemaError {
  const errs = gojsonOrder(errors);
  let best = 0;
  errs.forEach((e, i) => {
    if (depth(e) > depth(errs[best])) best = i;
    else if (depth(e) === depth(errs[best]) && e.keyword === 'type' && errs[best].keyword !== 'type') best = i;
  });
  const parent = errs[best];
  const source = (parent.keyword === 'oneOf' || parent.keyword === 'anyOf') && best + 1 < errs.length ? errs[best + 1] : parent;
  const description = describe(source);
  const field = fieldOf(parent);
  const extra = source.keyword === 'additionalProperties' && fieldOf(source) === field ? String((source.params as { additionalProperty: string }).additionalProperty) : undefined;
  const base = field === '(root)' ? '' : field;
  return { field, message: `${field} ${description}`, at: extra ? (base ? `${base}.${extra}` : extra) : base };
}

/**
 * Every field docker could name for this dict: getMostSpecificError takes the deepest error, and among errors as
 * deep, the first gojsonschema reports, which follows Go's random map order for the services. Used by the
 * differential test, which cannot ask docker to pick the same one of two equally deep errors.
 */
export function deepestSchemaErrorFields(dict: Json, version: string): string[] {
  const v = validator(version);
  if (v(dict)) return [];
  const errs = gojsonOrder(v.errors ?? []);
  const max = Math.max(...errs.map(depth));
  return [...new Set(errs.filter((e) => depth(e) === max).map(fieldOf))];
}

/** Validates a (interpolated) compose dict; undefined when valid. */
export function validateSchema(dict: Json, version: string): SchemaError | undefined {
  const v = validator(version);
  if (v(dict)) return undefined;
  return mostSpecific(v.errors ?? []);
}
