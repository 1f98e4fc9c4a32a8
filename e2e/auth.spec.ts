// Browser mode's trust boundary from the outside: the contract answers only with the token, only to this
// server's own origin and Host; the page drops the token from the address bar and keeps working.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import path from 'node:path';
import net from 'node:net';
import WebSocket from 'ws';
import { e2eState, artifactsDir } from './support/state';

function wsStatus(url: string, opts: { protocols?: string[]; origin?: string; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? [], { origin: opts.origin, headers: opts.headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (e) => reject(e));
  });
}

function httpStatus(port: number, target: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, headers, setHost: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function rawStatus(port: number, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let data = '';
    s.on('data', (b: Buffer) => {
      data += b.toString('latin1');
      if (data.includes('\r\n')) s.destroy();
    });
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    s.on('error', reject);
  });
}

test('a stale token gets 401; the page carries its security headers and no cookie', async ({ request }) => {
  const { port, token } = e2eState();
  const base = `http://127.0.0.1:${port}`;
  expect((await request.get(`${base}/?token=wrong-${token.slice(6)}`)).status()).toBe(401);
  const ok = await request.get(`${base}/?token=${token}`);
  expect(ok.status()).toBe(200);
  expect(await ok.text()).toContain('<div id="root">');
  const h = ok.headers();
  expect(h['referrer-policy']).toBe('no-referrer');
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['content-security-policy']).toContain("connect-src 'self';");
  expect(h['set-cookie']).toBeUndefined();
});

test('WebSocket upgrades need the token, the own Origin and Host; a cookie is no credential', async () => {
  const { port, token } = e2eState();
  const url = `ws://127.0.0.1:${port}/ws`;
  const page = ['flotilla.v1', `flotilla.token.${token}`];
  expect(await wsStatus(url)).toBe(401);
  expect(await wsStatus(`${url}?token=nope`)).toBe(401);
  expect(await wsStatus(url, { headers: { cookie: `flotilla_token=${token}` }, origin: `http://127.0.0.1:${port}` })).toBe(401);
  expect(await wsStatus(url, { protocols: page, origin: 'http://127.0.0.1:8080' })).toBe(403);
  expect(await wsStatus(url, { protocols: page, headers: { host: 'evil.example' } })).toBe(403);
  expect(await wsStatus(url, { protocols: page, origin: `http://127.0.0.1:${port}` })).toBe(101);
  expect(await wsStatus(`${url}?token=${token}`)).toBe(101);
});

test('HTTP with a foreign Host or Origin gets 403, a malformed path 400, and the server lives on', async ({ request }) => {
  const { port } = e2eState();
  expect(await httpStatus(port, '/', { host: `evil.example:${port}` })).toBe(403);
  expect(await httpStatus(port, '/', { host: `127.0.0.1:${port}`, origin: 'http://127.0.0.1:8080' })).toBe(403);
  expect(await rawStatus(port, `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)).toBe(400);
  expect((await request.get(`http://127.0.0.1:${port}/`)).status()).toBe(200);
});

test('the page removes the token from the address bar and still works after a reload', async ({ page }) => {
  const state = e2eState();
  await page.goto(`${state.url}#board`);
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  expect(page.url()).toBe(`http://127.0.0.1:${state.port}/#board`);
  await page.reload();
  // the app is mounted again (its key shortcuts are attached) before the key is pressed: a press right after the
  // load event was lost once while the page was still starting
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await page.keyboard.press('Control+1');
  await expect(page.getByRole('heading', { name: 'Engines', level: 1 })).toBeVisible();
  await expect(page.getByTestId('engine-card').first()).toBeVisible();
});

test('a page opened without its token says how to get in', async ({ browser }) => {
  const { port } = e2eState();
  const page = await browser.newPage(); // a fresh tab: nothing kept from the tabs before
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByText('open the URL that `flotilla serve` printed').first()).toBeVisible();
  await page.screenshot({ path: path.join(artifactsDir, 'no-token.png') });
  await page.close();
});
