// Browser mode: serves the built renderer and the contract over a WebSocket, on 127.0.0.1 by default.
// Every HTTP and WebSocket request must carry the random token (query ?token= or the cookie set by the
// first page load); anything else gets 401.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Host } from '../host';
import { FlotillaError } from '../api/errors';

export interface ServeOptions {
  host: Host;
  port: number; // 0 picks a free port
  listen?: string; // default 127.0.0.1
  rendererDir: string;
  token?: string;
}

export interface RunningServer {
  readonly url: string; // with ?token=
  readonly port: number;
  readonly token: string;
  /** open WebSocket connections (tests) */
  connections(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function tokenOf(req: http.IncomingMessage): string | undefined {
  const u = new URL(req.url ?? '/', 'http://x');
  const q = u.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie ?? '';
  const m = /(?:^|;\s*)flotilla_token=([A-Za-z0-9_-]+)/.exec(cookie);
  return m?.[1];
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const listen = opts.listen ?? '127.0.0.1';
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const root = path.resolve(opts.rendererDir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new FlotillaError('NOT_FOUND', `the built renderer is missing at ${root}; run \`npm run build\` first`);
  }

  const server = http.createServer((req, res) => {
    if (!sameToken(tokenOf(req), token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('401: this Flotilla needs its token. Open the URL that `flotilla serve` printed (it ends in ?token=...).\n');
      return;
    }
    const u = new URL(req.url ?? '/', 'http://x');
    let rel = decodeURIComponent(u.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const headers: Record<string, string> = {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      };
      if (path.extname(file) === '.html') {
        headers['content-security-policy'] = CSP;
        headers['set-cookie'] = `flotilla_token=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      res.writeHead(200, headers).end(data);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/ws' || !sameToken(tokenOf(req), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const conn = opts.host.dispatcher.connect((m) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      });
      ws.on('message', (data) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(data));
        } catch {
          return;
        }
        conn.receive(parsed);
      });
      ws.on('close', () => {
        sockets.delete(ws);
        conn.close();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new FlotillaError('CONFLICT', `port ${opts.port} on ${listen} is in use; choose another with --port`) : e),
    );
    server.listen(opts.port, listen, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const shownHost = listen.includes(':') ? `[${listen}]` : listen;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    connections: () => sockets.size,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
