import { describe, expect, it } from 'vitest';
import { digits, logPrefix } from './service-log-prefix';

const t = { service: 'talker', slot: 3, taskId: 'y4vik2849b20qk1mz0v3z6v5e', node: 'flab-n1' };

describe("docker service logs' line prefix", () => {
  it('is SERVICE.SLOT.TASKID@NODE, the task ID cut to 12, then four spaces and a bar', () => {
    expect(logPrefix(t, 1, {})).toBe('talker.3.y4vik2849b20@flab-n1    | ');
  });
  it('--no-trunc keeps the whole task ID; --no-task-ids drops it', () => {
    expect(logPrefix(t, 1, { noTrunc: true })).toBe('talker.3.y4vik2849b20qk1mz0v3z6v5e@flab-n1    | ');
    expect(logPrefix(t, 1, { noTaskIds: true, noTrunc: true })).toBe('talker.3@flab-n1    | ');
  });
  it('pads after the node so slots with fewer digits than the replica count line up', () => {
    expect(logPrefix(t, digits(10), {})).toBe('talker.3.y4vik2849b20@flab-n1     | ');
    expect(logPrefix({ ...t, slot: 10 }, digits(10), {})).toBe('talker.10.y4vik2849b20@flab-n1    | ');
    expect(logPrefix({ ...t, slot: 100 }, digits(10), {})).toBe('talker.100.y4vik2849b20@flab-n1    | ');
  });
  it('a global task is slot 0, as docker prints it', () => {
    expect(logPrefix({ ...t, slot: 0 }, 1, {})).toBe('talker.0.y4vik2849b20@flab-n1    | ');
  });
});
