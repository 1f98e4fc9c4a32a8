// YAML parsing as the docker CLI does it (yaml.v3): YAML 1.2 core, merge keys `<<`, Go's ParseInt(s, 0)
// for integers (0440 is octal, 1_000 is 1000), string keys; plus a source position for every dotted path.
import { type Alias, CST, type Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Node, type ScalarTag, visit } from 'yaml';
import { parseGoTimestamp, type TimestampAt } from './gotime';
import type { Json, Position } from './types';

/** Go yaml.v3 integer resolution: underscores dropped, then strconv.ParseInt(s, 0, 64). */
const goInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+]?(?:0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$/,
  resolve(str: string) {
    const s = str.replace(/_/g, '');
    const neg = s.startsWith('-');
    const body = s.replace(/^[-+]/, '');
    let n: number;
    if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
    else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
    else if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
    else if (/^0[0-7]+$/.test(body)) n = parseInt(body.slice(1), 8);
    else n = parseInt(body, 10);
    return neg ? -n : n;
  },
};

function isMergeKey(k: unknown): boolean {
  return isScalar(k) && (k.value === '<<' || k.source === '<<');
}

/**
 * What Flotilla reads of one compose file. The yaml library expands aliases, nests and recurses without bounds (a
 * 350-byte alias bomb took 37 s and 2 GB, 10,000 `[` crash the process), so every bound applies before it does.
 */
export const YAML_LIMITS = {
  /** bytes of one compose file (the largest real ones are tens of KiB; parsing 128 KiB of the worst kind takes ~0.5 s) */
  maxBytes: 128 * 1024,
  /** nesting of mappings and lists, counted after aliases are expanded */
  maxDepth: 64,
  /** mapping keys, values and list items after aliases and merge keys are expanded (a large real file has ~2,000) */
  maxNodes: 50_000,
  /**
   * CPU milliseconds one load may take (parse, interpolation, schema, normalization), checked between steps. CPU
   * time, not wall time: a busy machine slows a load down without making it more work, and must not fail it.
   */
  budgetMs: 3_000,
};

/** this process's CPU time in milliseconds: the clock budgets are measured on */
export function cpuClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface ParsedYaml {
  value: Json;
  /** dotted path -> position of the key (or the value, for list items and the root) */
  positions: Map<string, Position>;
  /** the plain scalars docker's yaml.v3 reads as timestamps (time.Time), where they are (gotime.ts) */
  timestamps?: TimestampAt[];
  /** the first key below the root that yaml.v3 reads as a timestamp (docker refuses the file) */
  timestampKey?: string;
  error?: { message: string; line: number; column: number };
}

/** A file or its expansion goes past YAML_LIMITS: reported as a yaml error at `line`. */
class LimitError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function budgetError(budgetMs = YAML_LIMITS.budgetMs): string {
  return `checking the file took longer than its ${budgetMs / 1000} s budget: it is too large or too repetitive to check as you type; split it into several files`;
}

function checkBudget(deadline: number, offset: number, budgetMs?: number): void {
  if (cpuClock() > deadline) throw new LimitError(budgetError(budgetMs), offset);
}

/**
 * The nesting the parser would meet, from the yaml library's own lexer (linear, quote- and comment-aware) before
 * its recursive parser runs. Hand-written on top of the tokens because the library has no depth limit of its own.
 * An over-estimate (indentation levels plus `- `/`? ` on a line plus open flow brackets), so it is held to twice
 * the real limit, which the parsed document is then held to exactly.
 */
function scanNesting(text: string, deadline: number, budgetMs?: number): void {
  const limit = YAML_LIMITS.maxDepth * 2;
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  let lineIndent = 0;
  let lineStart = true;
  let compact = 0;
  let scalarText = false;
  let count = 0;
  for (const tok of new Lexer().lex(text)) {
    const at = offset;
    offset += tok.length;
    if (++count % 4096 === 0) checkBudget(deadline, at, budgetMs);
    if (scalarText) {
      scalarText = false;
      continue;
    }
    const type = CST.tokenType(tok);
    if (type === 'scalar') {
      scalarText = true;
      if (!lineStart) continue;
    }
    if (type === 'newline') {
      lineStart = true;
      lineIndent = 0;
      compact = 0;
      continue;
    }
    if (type === 'space' && lineStart) {
      lineIndent = tok.length;
      continue;
    }
    if (type === 'space' || type === 'comment') continue;
    if (lineStart && flow === 0) {
      while (indents.length && indents[indents.length - 1] > lineIndent) indents.pop();
      if (!indents.length || indents[indents.length - 1] < lineIndent) indents.push(lineIndent);
    }
    lineStart = false;
    if (type === 'seq-item-ind' || type === 'explicit-key-ind') compact++;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if ((type === 'flow-seq-end' || type === 'flow-map-end') && flow > 0) flow--;
    if (indents.length + compact + flow > limit) throw new LimitError(`nested more than ${YAML_LIMITS.maxDepth} levels deep: no compose file needs that; flatten it`, at);
  }
}

/** Each alias's node, found once in document order as the yaml library resolves them (the last anchor before it). */
function aliasTargets(doc: Document): Map<Alias, Node> {
  const last = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const t = last.get(node.source);
        if (t) targets.set(node, t);
      } else if (node.anchor) last.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * Counts the nodes and the depth of the document as if every alias were expanded, stopping at the limits: nothing
 * is expanded before this has passed. A cycle (an alias inside the node its anchor names) is an error at the alias.
 */
function measure(doc: Document, targets: Map<Alias, Node>, deadline: number, budgetMs?: number): void {
  const open = new Set<Node>();
  let nodes = 0;
  let outerAlias: Alias | undefined;
  const go = (node: unknown, depth: number): void => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) return;
      if (open.has(target)) throw new LimitError(`alias *${node.source} refers to the node that contains it (a self-referencing alias): point it at an anchor defined elsewhere`, node.range?.[0] ?? 0);
      const outer = outerAlias;
      outerAlias ??= node;
      go(target, depth);
      outerAlias = outer;
      return;
    }
    const n = node as Node | null;
    if (++nodes > YAML_LIMITS.maxNodes) {
      const a = outerAlias;
      throw a
        ? new LimitError(`alias *${a.source} expands to more than ${YAML_LIMITS.maxNodes} values (an alias bomb?): use fewer nested aliases`, a.range?.[0] ?? 0)
        : new LimitError(`more than ${YAML_LIMITS.maxNodes} values in one file: split it into several files`, n?.range?.[0] ?? 0);
    }
    if (nodes % 4096 === 0) checkBudget(deadline, n?.range?.[0] ?? 0, budgetMs);
    if (!isCollection(n)) return;
    if (depth >= YAML_LIMITS.maxDepth) throw new LimitError(`nested more than ${YAML_LIMITS.maxDepth} levels deep: no compose file needs that; flatten it`, n.range?.[0] ?? 0);
    open.add(n);
    for (const item of n.items) {
      if (isPair(item)) {
        go(item.key, depth + 1);
        go(item.value, depth + 1);
      } else go(item, depth + 1);
    }
    open.delete(n);
  };
  go(doc.contents, 0);
}

/** `deadline`: on cpuClock(); `budgetMs`: the budget it came from, for the message */
export function parseYaml(text: string, opts: { deadline?: number; budgetMs?: number } = {}): ParsedYaml {
  const deadline = opts.deadline ?? cpuClock() + YAML_LIMITS.budgetMs;
  const lineCounter = new LineCounter();
  const positions = new Map<string, Position>();
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > YAML_LIMITS.maxBytes)
    return { value: null, positions, error: { message: `the file is ${Math.ceil(bytes / 1024)} KiB, more than the ${YAML_LIMITS.maxBytes / 1024} KiB Flotilla reads: split it into several files`, line: 1, column: 1 } };
  const limitError = (e: LimitError): ParsedYaml => {
    // the line counter is filled by parseDocument; before it ran, count the lines here
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    return { value: null, positions, error: { message: e.message, line, column: e.offset - before.lastIndexOf('\n') } };
  };
  let doc: Document;
  let targets: Map<Alias, Node>;
  try {
    scanNesting(text, deadline, opts.budgetMs);
    doc = parseDocument(text, { version: '1.2', schema: 'core', merge: true, customTags: (tags) => [goInt, ...tags], lineCounter, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      const p = pos(e.pos[0]);
      return { value: null, positions, error: { message: e.message.split('\n')[0], line: p.line, column: p.column } };
    }
    targets = aliasTargets(doc);
    measure(doc, targets, deadline, opts.budgetMs);
    checkBudget(deadline, 0, opts.budgetMs);
  } catch (e) {
    if (e instanceof LimitError) return limitError(e);
    throw e;
  }
  const resolve = (node: unknown): unknown => (isAlias(node) ? targets.get(node) : node);
  // recursion here is safe: measure() bounded the depth and the expanded size
  const timestamps: TimestampAt[] = [];
  let timestampKey: string | undefined;
  const walk = (node: unknown, path: string, at?: Position, keys: Array<string | number> = []): void => {
    if (isAlias(node)) {
      walk(resolve(node), path, at, keys);
      return;
    }
    const n = node as Node | null;
    if (!positions.has(path)) positions.set(path, at ?? (n?.range ? pos(n.range[0]) : { line: 1, column: 1 }));
    if (isScalar(n) && n.type === 'PLAIN' && !n.tag && typeof n.source === 'string') {
      const time = parseGoTimestamp(n.source);
      if (time) timestamps.push({ path, keys, time });
    }
    const stampKey = (k: unknown, child: string): void => {
      if (keys.length && !timestampKey && isScalar(k) && k.type === 'PLAIN' && typeof k.source === 'string' && parseGoTimestamp(k.source)) timestampKey = child;
    };
    if (isMap(n)) {
      // merged (<<) keys first, so explicit keys take their own positions
      for (const item of n.items) {
        if (isPair(item) && isMergeKey(item.key)) {
          const srcs = isSeq(item.value) ? item.value.items : [item.value];
          for (const src of srcs) {
            const target = resolve(src);
            if (isMap(target)) {
              for (const it of target.items) {
                if (isPair(it) && isScalar(it.key)) {
                  const k = String(it.key.value);
                  const child = path ? `${path}.${k}` : k;
                  stampKey(it.key, child);
                  if (!positions.has(child)) walk(it.value, child, it.key.range ? pos(it.key.range[0]) : undefined, [...keys, k]);
                }
              }
            }
          }
        }
      }
      for (const item of n.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (isMergeKey(item.key)) continue;
        const child = path ? `${path}.${k}` : k;
        positions.delete(child);
        // an explicit key replaces what a merge key brought under it
        for (let i = timestamps.length - 1; i >= 0; i--) if (timestamps[i]!.path === child || timestamps[i]!.path.startsWith(`${child}.`)) timestamps.splice(i, 1);
        stampKey(item.key, child);
        walk(item.value, child, isScalar(item.key) && item.key.range ? pos(item.key.range[0]) : undefined, [...keys, k]);
      }
    } else if (isSeq(n)) {
      n.items.forEach((it, i) => walk(it, path ? `${path}.${i}` : String(i), undefined, [...keys, i]));
    }
  };
  walk(doc.contents, '');
  // measure() already held the expansion to YAML_LIMITS, so the library's own alias count (which applies only
  // while it expands) is not needed
  let value: Json;
  try {
    value = doc.toJS({ maxAliasCount: -1 }) as Json;
  } catch (e) {
    // the library's own refusals while it builds values (e.g. a merge key whose value is not a mapping)
    return { value: null, positions, error: { message: (e as Error).message, line: 1, column: 1 } };
  }
  return { value: value === undefined ? null : value, positions, ...(timestamps.length ? { timestamps } : {}), ...(timestampKey ? { timestampKey } : {}) };
}

/** The closest known position for a dotted path: the path itself or its nearest ancestor. */
export function positionOf(positions: Map<string, Position>, path: string): Position {
  let p = path;
  for (;;) {
    const hit = positions.get(p);
    if (hit) return hit;
    if (!p) return { line: 1, column: 1 };
    const i = p.lastIndexOf('.');
    p = i < 0 ? '' : p.slice(0, i);
  }
}
