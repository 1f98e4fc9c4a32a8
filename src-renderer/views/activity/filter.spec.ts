import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../../src-main/api/activity';
import { NO_FILTERS, filterActivity, filterChoices } from './filter';

const items: ActivityItem[] = [
  { id: '1', at: 1, kind: 'task-failed', title: 'web.1 failed on n1', detail: 'task: non-zero exit (1)', taskId: 't1', serviceId: 's1', service: 'web', nodeId: 'n1', node: 'n1' },
  { id: '2', at: 2, kind: 'node-availability', title: 'n2 was drained', nodeId: 'n2', node: 'n2' },
  { id: '3', at: 3, kind: 'deploy-finished', title: 'api deployed', serviceId: 's2', service: 'api', stack: 'shop' },
];

describe('filterActivity', () => {
  it('by kind, node, service and words (all must match)', () => {
    expect(filterActivity(items, NO_FILTERS)).toHaveLength(3);
    expect(filterActivity(items, { ...NO_FILTERS, kind: 'node-availability' }).map((i) => i.id)).toEqual(['2']);
    expect(filterActivity(items, { ...NO_FILTERS, node: 'n1' }).map((i) => i.id)).toEqual(['1']);
    expect(filterActivity(items, { ...NO_FILTERS, service: 's2' }).map((i) => i.id)).toEqual(['3']);
    expect(filterActivity(items, { ...NO_FILTERS, text: 'EXIT web' }).map((i) => i.id)).toEqual(['1']);
    expect(filterActivity(items, { ...NO_FILTERS, text: 'shop' }).map((i) => i.id)).toEqual(['3']);
    expect(filterActivity(items, { ...NO_FILTERS, kind: 'task-failed', node: 'n2' })).toEqual([]);
  });
  it('offers the nodes and services the feed names, sorted by name', () => {
    expect(filterChoices(items)).toEqual({ nodes: [['n1', 'n1'], ['n2', 'n2']], services: [['s2', 'api'], ['s1', 'web']] });
  });
});
