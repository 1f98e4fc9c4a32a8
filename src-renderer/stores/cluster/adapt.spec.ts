// merge: the store's diff of a list (upserts in place, new ids appended, the last upsert of an id winning, removals
// left out), in its fast path (upserts only, from the positions it keeps per list) and its plain one, against a
// reference over random chains of diffs.
import { describe, expect, it } from 'vitest';
import { merge } from './adapt';

interface Item {
  id: string;
  v: number;
}

/** what merge must give, written the obvious way */
function reference(list: Item[], upsert: Item[], remove: string[]): Item[] {
  const last = new Map<string, Item>();
  for (const u of upsert) last.set(u.id, u);
  const out = list.filter((x) => !remove.includes(x.id)).map((x) => last.get(x.id) ?? x);
  const present = new Set(list.map((x) => x.id));
  for (const id of last.keys()) if (!present.has(id) && !remove.includes(id)) out.push(last.get(id) as Item);
  return out;
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe('merge', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`equals the reference over a random chain of diffs (seed ${seed})`, () => {
      const rand = rng(seed);
      let list: Item[] = Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, v: 0 }));
      let next = 50;
      for (let step = 0; step < 300; step++) {
        const upsert: Item[] = [];
        const remove: string[] = [];
        const n = Math.floor(rand() * 6);
        for (let k = 0; k < n; k++) {
          const r = rand();
          const pick = list[Math.floor(rand() * list.length)];
          if (r < 0.6 && pick) upsert.push({ id: pick.id, v: step * 10 + k });
          else if (r < 0.8) upsert.push({ id: rand() < 0.2 && next > 50 ? `t${next - 1}` : `t${next++}`, v: step * 10 + k });
          else if (pick && rand() < 0.5) remove.push(pick.id);
          // an id upserted twice in one diff: the last wins
          if (rand() < 0.1 && upsert.length) upsert.push({ ...upsert[0], v: -step });
        }
        const want = reference(list, upsert, remove);
        const got = merge(list, upsert, remove);
        expect(got, `step ${step}`).toEqual(want);
        // untouched items keep their identity
        for (const x of got) if (!upsert.some((u) => u === x)) expect(list).toContain(x);
        if (!upsert.length && !remove.length) expect(got).toBe(list);
        // now and then an older list is merged again (its kept positions must still be right for it)
        if (rand() < 0.1) expect(merge(list, upsert, remove)).toEqual(want);
        list = got;
      }
    });
  }
});
