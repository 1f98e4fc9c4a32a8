// Browser mode answers only with its token: HTTP and WebSocket requests without it get 401.
import { test, expect } from '@playwright/test';
import WebSocket from 'ws';
import { e2eState } from './support/state';

function wsStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
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

test('HTTP requests without the token get 401, with it 200', async ({ request }) => {
  const { port, token } = e2eState();
  const base = `http://127.0.0.1:${port}`;
  expect((await request.get(`${base}/`)).status()).toBe(401);
  expect((await request.get(`${base}/index.html`)).status()).toBe(401);
  expect((await request.get(`${base}/?token=wrong-${token.slice(6)}`)).status()).toBe(401);
  const ok = await request.get(`${base}/?token=${token}`);
  expect(ok.status()).toBe(200);
  expect(await ok.text()).toContain('<div id="root">');
});

test('WebSocket upgrades without the token get 401, with it connect', async () => {
  const { port, token } = e2eState();
  expect(await wsStatus(`ws://127.0.0.1:${port}/ws`)).toBe(401);
  expect(await wsStatus(`ws://127.0.0.1:${port}/ws?token=nope`)).toBe(401);
  expect(await wsStatus(`ws://127.0.0.1:${port}/ws?token=${token}`)).toBe(101);
});
