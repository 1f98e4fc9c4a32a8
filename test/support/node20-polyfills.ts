// vitest 5's reporter calls Map.groupBy (Node 21+) when it prints failed tests; on Node 20 (the project
// supports 20.19+) the failure summary then crashes with "Map.groupBy is not a function".
// Imported by the integration globalSetup (and meant for vitest.config.ts) so failures print on Node 20 too.
type GroupBy = <K, V>(items: Iterable<V>, key: (item: V, index: number) => K) => Map<K, V[]>;
const MapWithGroupBy = Map as unknown as { groupBy?: GroupBy };
if (typeof MapWithGroupBy.groupBy !== 'function') {
  MapWithGroupBy.groupBy = <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> => {
    const out = new Map<K, V[]>();
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const list = out.get(k);
      if (list) list.push(item);
      else out.set(k, [item]);
    }
    return out;
  };
}
export {};
