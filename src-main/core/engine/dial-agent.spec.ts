// docker-modem inspects every request's options (the agent among them) with showHidden and no depth limit, debug log
// on or off: the agent must show as one line, whatever it holds.
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DialAgent } from './dial-agent';

describe('DialAgent under util.inspect', () => {
  it('is one line with its open count, not a walk through its sockets', async () => {
    // each stream holds a large object graph, as an ssh2 channel holds its whole client
    const heavy = () => Object.assign(new PassThrough(), { graph: Array.from({ length: 2000 }, (_, i) => ({ i, deep: { deeper: { text: 'x'.repeat(50) } } })) });
    const agent = new DialAgent(() => Promise.resolve(heavy()));
    const opened = await Promise.all(
      Array.from({ length: 3 }, () => new Promise<void>((resolve, reject) => agent.createConnection({}, (err) => (err ? reject(err) : resolve())))),
    );
    expect(opened).toHaveLength(3);
    expect(agent.openCount()).toBe(3);
    const options = { method: 'GET', path: '/tasks', agent };
    const text = inspect(options, { showHidden: true, depth: null });
    expect(text).toContain('DialAgent { open: 3 }');
    expect(text.length).toBeLessThan(300);
    agent.close();
    await new Promise((r) => setImmediate(r)); // the destroyed streams' close events
    expect(inspect(agent)).toBe('DialAgent { open: 0, closed }');
  });
});
