// The flotilla:// handler against real files: a renderer folder in a temp dir, a secret beside it, a symbolic
// link out of it. Requests map to files under the folder only, whatever the URL spells.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppFile } from './app-protocol';
import { ELECTRON_CSP } from './trust';

let top: string;
let root: string;
let handle: ReturnType<typeof createAppProtocolHandler>;

beforeAll(() => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-app-protocol-'));
  root = path.join(top, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Flotilla</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log("flotilla")');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'codicon.ttf'), Buffer.from([0, 1, 0, 0]));
  fs.writeFileSync(path.join(root, 'assets', 'a file.js'), '1');
  fs.writeFileSync(path.join(top, 'secret.txt'), 'the CA key');
  fs.mkdirSync(path.join(top, 'renderer-evil'));
  fs.writeFileSync(path.join(top, 'renderer-evil', 'x.js'), 'evil');
  fs.symlinkSync(path.join(top, 'secret.txt'), path.join(root, 'assets', 'link-out.txt'));
  fs.symlinkSync(top, path.join(root, 'up'));
  handle = createAppProtocolHandler(root);
});
afterAll(() => fs.rmSync(top, { recursive: true, force: true }));

describe('flotilla://app/ serves the renderer folder', () => {
  it('answers index.html for / and /index.html, with the Electron CSP', async () => {
    for (const url of ['flotilla://app/', 'flotilla://app', 'flotilla://app/index.html', 'flotilla://app/index.html?x=1#/stacks']) {
      const r = await handle({ url, method: 'GET' });
      expect(r.status, url).toBe(200);
      expect(await r.text()).toBe('<!doctype html><title>Flotilla</title>');
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
  it('answers assets with their type, bytes unchanged', async () => {
    const js = await handle({ url: 'flotilla://app/assets/index-abc.js' });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log("flotilla")');
    expect(js.headers.get('content-security-policy')).toBeNull();
    expect((await handle({ url: 'flotilla://app/assets/index-abc.css' })).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const font = await handle({ url: 'flotilla://app/assets/codicon.ttf' });
    expect(font.headers.get('content-type')).toBe('font/ttf');
    expect([...new Uint8Array(await font.arrayBuffer())]).toEqual([0, 1, 0, 0]);
    expect(await (await handle({ url: 'flotilla://app/assets/a%20file.js' })).text()).toBe('1');
  });
  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handle({ url: 'flotilla://app/index.html', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await handle({ url: 'flotilla://app/index.html', method: 'POST' })).status).toBe(405);
  });
  it('says 404 for a file or folder that is not there', async () => {
    expect((await handle({ url: 'flotilla://app/nope.js' })).status).toBe(404);
    expect((await handle({ url: 'flotilla://app/assets/' })).status).toBe(404);
    expect((await handle({ url: 'flotilla://app/assets' })).status).toBe(404);
  });
});

describe('nothing outside the renderer folder', () => {
  // each must not answer the secret beside the folder (or anything of the sibling folder)
  const attempts = [
    'flotilla://app/../secret.txt',
    'flotilla://app/assets/../../secret.txt',
    'flotilla://app/%2e%2e/secret.txt',
    'flotilla://app/%2E%2E/secret.txt',
    'flotilla://app/.%2e/secret.txt',
    'flotilla://app/%2e%2e%2fsecret.txt',
    'flotilla://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'flotilla://app/..%2fsecret.txt',
    'flotilla://app/..%5csecret.txt',
    'flotilla://app/%2e%2e%5csecret.txt',
    'flotilla://app/assets/link-out.txt',
    'flotilla://app/up/secret.txt',
    'flotilla://app/../renderer-evil/x.js',
    'flotilla://app/%2e%2e/renderer-evil/x.js',
    'flotilla://app/index.html%00.js',
    'flotilla://app/%ff%fe',
    'flotilla://app//etc/passwd',
    'flotilla://app/%2fetc%2fpasswd',
  ];
  it.each(attempts)('%s is refused', async (url) => {
    const r = await handle({ url });
    expect(r.status).toBeGreaterThanOrEqual(400);
    const body = await r.text();
    expect(body).not.toContain('the CA key');
    expect(body).not.toContain('evil');
    expect(body).not.toContain('root:');
  });
  it('says why: outside the folder is 403, a bad encoding 400', async () => {
    expect(await resolveAppFile(root, 'flotilla://app/%2e%2e%2fsecret.txt')).toEqual({ status: 403, reason: 'outside the renderer folder' });
    expect(await resolveAppFile(root, 'flotilla://app/assets/link-out.txt')).toEqual({ status: 403, reason: 'outside the renderer folder' });
    expect(await resolveAppFile(root, 'flotilla://app/%ff')).toEqual({ status: 400, reason: 'bad percent-encoding' });
  });
  it.each(['flotilla://evil/index.html', 'flotilla://APP.evil/index.html', 'flotilla://user@app/index.html', 'file:///etc/passwd', 'https://app/index.html'])(
    'answers nothing for another host or scheme: %s',
    async (url) => {
      const r = await handle({ url });
      expect(r.status).toBe(404);
      expect(await r.text()).not.toContain('Flotilla</title>');
    },
  );
});
