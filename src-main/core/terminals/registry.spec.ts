import { describe, expect, it } from 'vitest';
import { OutputBatcher, TerminalRegistry } from './registry';
import type { TerminalChannel, TerminalExit } from './channel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeChannel(): TerminalChannel & { end(code: number): void; closed: number } {
  let end!: (e: TerminalExit) => void;
  const exited = new Promise<TerminalExit>((r) => (end = r));
  const ch = {
    title: 't',
    exited,
    closed: 0,
    write: () => undefined,
    resize: async () => undefined,
    onData: () => undefined,
    close: () => {
      ch.closed++;
      end({ code: -1 });
    },
    end: (code: number) => end({ code }),
  };
  return ch;
}

describe('OutputBatcher', () => {
  it('coalesces chunks that arrive together into one event, bytes intact', async () => {
    const out: Buffer[] = [];
    const b = new OutputBatcher((d) => out.push(d), 5);
    const bytes = Buffer.from('é€😀', 'utf8');
    for (const byte of bytes) b.push(Buffer.from([byte])); // split inside every character
    expect(out).toHaveLength(0);
    await sleep(20);
    expect(out).toHaveLength(1);
    expect(out[0].toString('utf8')).toBe('é€😀');
  });

  it('never emits more than maxBytes per event and keeps the order', () => {
    const out: Buffer[] = [];
    const b = new OutputBatcher((d) => out.push(d), 1000, 10);
    b.push(Buffer.from('0123456789abcdefghij-tail'));
    b.flush();
    expect(out.map((x) => x.toString())).toEqual(['0123456789', 'abcdefghij', '-tail']);
  });
});

describe('TerminalRegistry', () => {
  it('gives random ids, forgets a session when it ends, and says what to do with a closed one', async () => {
    const r = new TerminalRegistry();
    const a = fakeChannel();
    const b = fakeChannel();
    const ia = r.add(a);
    const ib = r.add(b);
    expect(ia).not.toBe(ib);
    expect(ia).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.get(ia)).toBe(a);
    a.end(0);
    await sleep(0);
    expect(() => r.get(ia)).toThrow(/is closed: open a new terminal/);
    r.closeAll();
    expect(b.closed).toBe(1);
    expect(r.size).toBe(0);
  });
});
