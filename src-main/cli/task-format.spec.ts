// `service ps` / `stack ps` text as docker CLI 28's task formatter makes it: names, order, \_, truncation, ages.
import { describe, expect, it } from 'vitest';
import type { PsTask } from '../api/domains/swarm';
import { formatListing } from './docker-format';
import { displayImage, ellipsis, humanDuration, naturalLess, prettyPrint, rawTaskFormat, taskListing } from './task-format';

const NOW = Date.parse('2026-12-07T04:00:00Z');
const task = (o: Partial<PsTask>): PsTask => ({
  id: 'abcdefghijklmnopqrstuvwxy',
  serviceId: 'svc1',
  slot: 1,
  nodeId: 'node1',
  image: 'flotilla-lab/busybox:latest',
  desiredState: 'running',
  state: 'running',
  error: '',
  timestamp: '2026-12-07T03:59:50.5Z',
  createdAt: '2026-12-07T03:59:50Z',
  ports: [],
  ...o,
});
const data = (tasks: PsTask[]) => ({ tasks, services: { svc1: 'web', svc2: 'api' }, nodes: { node1: 'n1', node2: 'n2' } });

describe('docker task listing', () => {
  it("words ages as go-units' HumanDuration does", () => {
    const s = 1000;
    expect([0.5, 1, 2, 59, 60, 119, 120, 3599, 3600 * 1.49, 3600 * 1.5, 3600 * 47, 3600 * 48, 3600 * 24 * 14, 3600 * 24 * 60, 3600 * 24 * 365 * 2].map((x) => humanDuration(x * s))).toEqual([
      'Less than a second',
      '1 second',
      '2 seconds',
      '59 seconds',
      'About a minute',
      'About a minute',
      '2 minutes',
      '59 minutes',
      'About an hour',
      '2 hours',
      '47 hours',
      '2 days',
      '2 weeks',
      '2 months',
      '2 years',
    ]);
  });

  it('sorts names naturally (numbers as numbers, fewer leading zeros first)', () => {
    expect(['web.10', 'web.2', 'api.1', 'web.02', 'web.1'].sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0))).toEqual(['api.1', 'web.1', 'web.2', 'web.02', 'web.10']);
  });

  it('cuts errors at 30 columns with …, counts wide characters twice, and capitalizes states', () => {
    expect(ellipsis('x'.repeat(30), 30)).toBe('x'.repeat(30));
    expect(ellipsis('x'.repeat(31), 30)).toBe(`${'x'.repeat(29)}…`);
    expect(ellipsis('日本語の長いエラーメッセージがここにあります', 10)).toBe('日本語の…');
    expect(prettyPrint('RUNNING')).toBe('Running');
  });

  it('drops the digest of a tagged image only, in its familiar form', () => {
    const d = `sha256:${'0'.repeat(64)}`;
    expect(displayImage(`busybox:1.36@${d}`)).toBe('busybox:1.36');
    expect(displayImage(`docker.io/library/busybox:1.36@${d}`)).toBe('busybox:1.36');
    expect(displayImage(`index.docker.io/me/app:2@${d}`)).toBe('me/app:2');
    expect(displayImage(`registry:5000/team/app:2@${d}`)).toBe('registry:5000/team/app:2');
    expect(displayImage(`busybox@${d}`)).toBe(`busybox@${d}`);
    expect(displayImage('localhost:5000/app')).toBe('localhost:5000/app');
    expect(displayImage('Upper/Case:1')).toBe('Upper/Case:1');
  });

  it('prints the table: newest first in a slot, \\_ for older ones, truncated; json keeps the plain names', () => {
    const tasks = [
      task({ id: 'old0000000000000000000000', createdAt: '2026-12-07T03:59:40Z', timestamp: '2026-12-07T03:59:41Z', state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (3) and a long tail' }),
      task({ id: 'new0000000000000000000000', createdAt: '2026-12-07T03:59:40.5Z', image: `busybox:1@sha256:${'0'.repeat(64)}` }),
      task({ id: 'glob000000000000000000000', serviceId: 'svc2', slot: 0, nodeId: 'node2', ports: [{ published: 8080, target: 80, protocol: 'tcp' }, { published: 53, target: 53, protocol: 'udp' }] }),
    ];
    const l = taskListing(data(tasks), { trunc: true, resolve: true, now: NOW });
    expect(formatListing(l, {})).toBe(
      [
        'ID             NAME        IMAGE                         NODE      DESIRED STATE   CURRENT STATE           ERROR                              PORTS',
        'glob00000000   api.node2   flotilla-lab/busybox:latest   n2        Running         Running 9 seconds ago                                      *:8080->80/tcp,*:53->53/udp',
        'new000000000   web.1       busybox:1                     n1        Running         Running 9 seconds ago                                      ',
        'old000000000    \\_ web.1   flotilla-lab/busybox:latest   n1        Shutdown        Failed 19 seconds ago   "task: non-zero exit (3) and a…"   ',
        '',
      ].join('\n'),
    );
    expect(formatListing(l, { format: 'table {{.Name}}' })).toBe('NAME\napi.node2\nweb.1\n \\_ web.1\n');
    expect(formatListing(l, { format: '{{.Name}}' })).toBe('api.node2\nweb.1\nweb.1\n');
    expect(JSON.parse(formatListing(l, { format: 'json' }).split('\n')[0]!)).toEqual({
      CurrentState: 'Running 9 seconds ago',
      DesiredState: 'Running',
      Error: '',
      ID: 'glob00000000',
      Image: 'flotilla-lab/busybox:latest',
      Name: 'api.node2',
      Node: 'n2',
      Ports: '*:8080->80/tcp,*:53->53/udp',
    });
    expect(formatListing(l, { quiet: true })).toBe('glob00000000\nnew000000000\nold000000000\n');
    const full = taskListing(data(tasks), { trunc: false, resolve: false, now: NOW });
    expect(formatListing(full, { format: '{{.ID}} {{.Name}} {{.Node}} {{.Image}} {{.Error}}' }).split('\n')[1]).toBe('old0000000000000000000000 svc1.1 node1 flotilla-lab/busybox:latest "task: non-zero exit (3) and a long tail"');
    expect(formatListing(l, { format: rawTaskFormat(false) }).split('\n').slice(0, 9)).toEqual(['id: glob00000000', 'name: api.node2', 'image: flotilla-lab/busybox:latest', 'node: n2', 'desired_state: Running', 'current_state: Running 9 seconds ago', 'error: ', 'ports: *:8080->80/tcp,*:53->53/udp', '']);
  });

  it("refuses a field the task lacks and an unclosed action with Go's words", () => {
    const l = taskListing(data([task({})]), { trunc: true, resolve: true, now: NOW });
    expect(() => formatListing(l, { format: '{{.ID}}\\t{{ .Nope }}' })).toThrow('template parsing error: template: :1:11: executing "" at <.Nope>: can\'t evaluate field Nope in type *task.taskContext');
    expect(() => formatListing(l, { format: 'x\\n{{.ID' })).toThrow('template parsing error: template: :2: unclosed action');
    expect(() => formatListing(l, { format: '{{if .ID}}x{{end}}' })).toThrow("flotilla's --format reads");
  });
});
