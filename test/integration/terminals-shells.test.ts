// The terminals contract through the host's dispatcher on the lab: an SSH shell on a lab host (the engine's
// pinned tunnel) and an exec shell in a container on it; input, resize, UTF-8 output, and a dispose that
// closes the channel. The docker CLI inside the node is the oracle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHost, type Host } from '../../src-main/host';
import type { HostMessage } from '../../src-main/api/protocol';
import { TerminalEvent } from '../../src-main/api/domains/terminals';
import { LogLine } from '../../src-main/api/domains/swarm';
import { describeLab, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, type LabNode } from '../support/lab';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** one terminal over a dispatcher connection, its output decoded as a stream (UTF-8 split across events stays whole) */
function openTerminal(host: Host, params: unknown) {
  let text = '';
  let id = '';
  let exit: number | undefined;
  let error = '';
  const decoder = new TextDecoder('utf-8');
  const conn = host.dispatcher.connect((m: HostMessage) => {
    if (m.t === 'event' && m.id === 1) {
      const e = TerminalEvent.parse(m.event);
      if (e.type === 'opened') id = e.id;
      else if (e.type === 'data') {
        text += decoder.decode(Buffer.from(e.data, 'base64'), { stream: true });
      }
      else exit = e.code;
    } else if (m.t === 'error' && m.id === 1) error = m.error.message;
  });
  conn.receive({ t: 'subscribe', id: 1, method: 'terminals.open', params });
  let next = 10;
  const t = {
    get text() {
      return text;
    },
    get exit() {
      return exit;
    },
    get open() {
      return conn.open;
    },
    async opened(): Promise<string> {
      for (let i = 0; i < 200 && !id && !error; i++) await sleep(100);
      if (error) throw new Error(error);
      expect(id).not.toBe('');
      return id;
    },
    write: (data: string) => host.dispatcher.call('terminals.write', { id, data }),
    /** types a command once the prompt is drawn (busybox ash asks for the cursor position after it and
     * takes the next keys for the answer's absence: left unanswered, as a slow terminal would) */
    async type(cmd: string): Promise<void> {
      for (let i = 0; i < 200 && !(text.endsWith('# ') || text.endsWith('# \x1b[6n')); i++) await sleep(50);
      await host.dispatcher.call('terminals.write', { id, data: cmd });
    },
    resize: (cols: number, rows: number) => host.dispatcher.call('terminals.resize', { id, cols, rows }),
    async waitFor(re: RegExp, ms = 20_000): Promise<void> {
      for (let waited = 0; !re.test(text); waited += 100) {
        if (waited > ms) throw new Error(`no ${re} in the terminal after ${ms} ms; it shows:\n${text.slice(-2000)}`);
        await sleep(100);
      }
    },
    dispose: () => conn.receive({ t: 'dispose', id: 1 }),
    close: () => conn.close(),
    nextId: () => next++,
  };
  return t;
}

describeLab('terminals on the lab', () => {
  let host: Host;
  let home: string;
  let n1: LabNode;
  const container = `ftermc-${Date.now().toString(36)}`;

  beforeAll(async () => {
    n1 = labNodes()[0];
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'fterm-'));
    host = createHost({ transport: 'in-process', home });
    await nodeDockerOk(n1, ['run', '-d', '--name', container, LAB_BUSYBOX, 'sleep', '3600']);
  });

  afterAll(async () => {
    await nodeDocker(n1, ['rm', '-f', container, `${container}-logs`]);
    await host?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('an SSH shell on a lab host runs docker info; exit ends the stream with the code', async () => {
    const t = openTerminal(host, { target: { kind: 'engine-host', engineId: `lab:${n1.name}` }, cols: 100, rows: 30 });
    await t.opened();
    await t.write("docker info --format 'swarm={{.Swarm.LocalNodeState}} ncpu={{.NCPU}}'\n");
    await t.waitFor(/swarm=\w+ ncpu=\d+/);
    const oracle = (await nodeDockerOk(n1, ['info', '--format', 'swarm={{.Swarm.LocalNodeState}}'])).trim();
    expect(t.text).toContain(oracle);
    await t.write('stty size\n');
    await t.waitFor(/\b30 100\b/);
    await t.write('exit 3\n');
    for (let i = 0; i < 100 && t.exit === undefined; i++) await sleep(100);
    expect(t.exit).toBe(3);
    t.close();
  });

  it('an exec shell in a container: commands, resize, UTF-8 split across chunks, dispose closes the exec', async () => {
    const cid = (await nodeDockerOk(n1, ['inspect', '--format', '{{.Id}}', container])).trim();
    const t = openTerminal(host, { target: { kind: 'container', engineId: `lab:${n1.name}`, containerId: cid }, cols: 90, rows: 20 });
    await t.opened();
    await t.type('echo $((6*7))\n');
    await t.waitFor(/^42\r?$/m);
    await t.resize(132, 41);
    await t.type('stty size\n');
    await t.waitFor(/\b41 132\b/);
    // 3,000 multi-byte characters: the PTY and the batching cut the bytes anywhere; the stream decoder must not
    await t.type("i=0; while [ $i -lt 1000 ]; do printf 'é€😀'; i=$((i+1)); done; echo; echo done-utf8\n");
    await t.waitFor(/^done-utf8\r?$/m);
    expect(t.text).toContain('é€😀'.repeat(1000));
    expect(t.text).not.toContain('\uFFFD');
    const before = await nodeDockerOk(n1, ['inspect', '--format', '{{len .ExecIDs}}', container]);
    expect(Number(before.trim())).toBeGreaterThan(0);
    t.dispose();
    // the shell sees EOF on its stdin and exits: no exec process is left in the container
    let shells = '';
    for (let i = 0; i < 50; i++) {
      shells = (await nodeDockerOk(n1, ['top', container, '-o', 'pid,args'])).split('\n').filter((l) => / sh\b|bash/.test(l)).join('\n');
      if (!shells) break;
      await sleep(200);
    }
    expect(shells).toBe('');
    expect(t.open).toBe(0);
    await expect(t.write('echo gone\n')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    t.close();
  });

  it("swarm.containers.logs (the Logs view's container target): stdout and stderr apart, followed until disposed", async () => {
    const name = `${container}-logs`;
    await nodeDockerOk(n1, ['run', '-d', '--name', name, LAB_BUSYBOX, 'sh', '-c', 'echo out-1; echo err-1 >&2; sleep 2; echo out-2; sleep 3600']);
    const lines: LogLine[] = [];
    const conn = host.dispatcher.connect((m: HostMessage) => {
      if (m.t === 'event') lines.push(LogLine.parse(m.event));
    });
    conn.receive({ t: 'subscribe', id: 1, method: 'swarm.containers.logs', params: { engineId: `lab:${n1.name}`, container: name, follow: true, timestamps: true } });
    for (let i = 0; i < 100 && !lines.some((l) => l.line === 'out-2'); i++) await sleep(100);
    expect(lines.map((l) => `${l.stream}:${l.line}`)).toEqual(expect.arrayContaining(['stdout:out-1', 'stderr:err-1', 'stdout:out-2']));
    expect(lines.every((l) => /^\d{4}-\d\d-\d\dT/.test(l.timestamp ?? ''))).toBe(true);
    // the oracle agrees on what the container wrote
    const oracle = await nodeDocker(n1, ['logs', name]);
    expect(oracle.stdout).toContain('out-2');
    expect(oracle.stderr).toContain('err-1');
    conn.receive({ t: 'dispose', id: 1 });
    expect(conn.open).toBe(0);
    conn.close();
  });

  it('refuses bad input and unknown targets in plain words', async () => {
    await expect(host.dispatcher.call('terminals.write', { id: 'short', data: 'x' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(host.dispatcher.call('terminals.write', { id: '00000000-0000-4000-8000-000000000000', data: 'x'.repeat(70_000) })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(host.dispatcher.call('terminals.resize', { id: '00000000-0000-4000-8000-000000000000', cols: 80, rows: 24 })).rejects.toThrow(/is closed: open a new terminal/);
    const t = openTerminal(host, { target: { kind: 'container', engineId: `lab:${n1.name}`, containerId: 'no-such-container' }, cols: 80, rows: 24 });
    await expect(t.opened()).rejects.toThrow(/no-such-container/);
    t.close();
  });
});
