// The CLI's in-process host: the same dispatcher, so the same input validation and handlers as a transport; engines
// the caller names are found by the handlers under the id addEngine returns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalHost, type LocalHost } from './local';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('the in-process host', () => {
  it("validates input with the contract's schema, as IPC and the WebSocket do", async () => {
    host = openLocalHost({ home: fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-local-')) });
    await expect(host.call('swarm.nodes.list', { engineId: '' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('invalid input for swarm.nodes.list: engineId') });
  });

  it("runs the window's handler: stacks.config loads and renders the files it is given", async () => {
    host = openLocalHost({ home: fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-local-')) });
    const r = await host.call('stacks.config', { files: [{ file: '/nonexistent/docker-compose.yml', content: 'services:\n  web:\n    image: nginx:${TAG}\n' }], variables: { TAG: '1.27' } });
    expect(r.yaml).toContain('image: nginx:1.27');
    expect(r.variables).toEqual({ TAG: '1.27' });
  });

  it('finds an engine the caller added by the id it got back, without listing the directory', async () => {
    host = openLocalHost({ home: fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-local-')) });
    const id = host.addEngine('nowhere', { kind: 'unix', socketPath: path.join(os.tmpdir(), 'flotilla-no-such-engine.sock') });
    const err = await host.call('swarm.info', { engineId: id }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain('no such engine');
  });
});
