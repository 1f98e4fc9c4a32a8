// YAML parsing as the docker CLI does it (yaml.v3): YAML 1.2 core, merge keys `<<`, Go's ParseInt(s, 0)
// for integers (0440 is octal, 1_000 is 1000), string keys; plus a source position for every dotted path.
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type ScalarTag } from 'yaml';
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

export interface ParsedYaml {
  value: Json;
  /** dotted path -> position of the key (or the value, for list items and the root) */
  positions: Map<string, Position>;
  error?: { message: string; line: number; column: number };
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { version: '1.2', schema: 'core', merge: true, customTags: (tags) => [goInt, ...tags], lineCounter, uniqueKeys: true, prettyErrors: false });
  const positions = new Map<string, Position>();
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    const p = pos(e.pos[0]);
    return { value: null, positions, error: { message: e.message.split('\n')[0], line: p.line, column: p.column } };
  }
  const walk = (node: unknown, path: string, at?: Position): void => {
    if (isAlias(node)) {
      walk(node.resolve(doc), path, at);
      return;
    }
    const n = node as Node | null;
    if (!positions.has(path)) positions.set(path, at ?? (n?.range ? pos(n.range[0]) : { line: 1, column: 1 }));
    if (isMap(n)) {
      // merged (<<) keys first, so explicit keys take their own positions
      for (const item of n.items) {
        if (isPair(item) && isMergeKey(item.key)) {
          const srcs = isSeq(item.value) ? item.value.items : [item.value];
          for (const src of srcs) {
            const target = isAlias(src) ? src.resolve(doc) : src;
            if (isMap(target)) {
              for (const it of target.items) {
                if (isPair(it) && isScalar(it.key)) {
                  const k = String(it.key.value);
                  const child = path ? `${path}.${k}` : k;
                  if (!positions.has(child)) walk(it.value, child, it.key.range ? pos(it.key.range[0]) : undefined);
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
        walk(item.value, child, isScalar(item.key) && item.key.range ? pos(item.key.range[0]) : undefined);
      }
    } else if (isSeq(n)) {
      n.items.forEach((it, i) => walk(it, path ? `${path}.${i}` : String(i)));
    }
  };
  walk(doc.contents, '');
  const value = doc.toJS({ maxAliasCount: 10000 }) as Json;
  return { value: value === undefined ? null : value, positions };
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
