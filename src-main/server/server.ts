// Browser mode: serves the built renderer and the contract over a WebSocket, on 127.0.0.1 by default.
// The renderer's files are public (the same bytes as the package); the contract is not: the WebSocket
// upgrade needs the random token, offered as the `flotilla.token.<token>` subprotocol (the page) or
// ?token= (scripts). No cookie carries it: cookies ignore ports, so every other server on this host
// would receive it. Every request first passes the Host/Origin checks in guard.ts. See SECURITY.md.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Host } from '../host';
import { rendererFileType } from '../host/renderer-file-types';
import type { HostMessage } from '../api/protocol';
import { FlotillaError } from '../api/errors';
import { log as coreLog } from '../host/runtime';
import { checkRequest, decodePath, queryToken, upgradeToken, PROTOCOL, type GuardConfig } from './guard';

export interface ServeOptions {
  host: Pick<Host, 'dispatcher'>;
  port: number; // 0 picks a free port
  listen?: string; // default 127.0.0.1
  rendererDir: string;
  token?: string;
  /** extra names the Host header may carry (--allow-host) */
  allowHosts?: readonly string[];
  /** a client that leaves more than this many bytes unread is cut off (default 16 MiB) */
  maxBufferedBytes?: number;
  /** where the server reports refusals ('info': a hostile page may send many) and cut-offs and failures ('warn'); default the core log */
  log?: (line: string, level: 'info' | 'warn') => void;
}

export interface RunningServer {
  readonly url: string; // with ?token=
  readonly port: number;
  readonly token: string;
  /** open WebSocket connections (tests) */
  connections(): number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * The page's CSP as a header (the meta tag in index.html says the same, minus what only a header can say).
 * connect-src 'self' covers the same-origin WebSocket (CSP3, checked in Chromium by e2e/auth.spec.ts).
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers on every response, refusals included. */
const BASE_HEADERS: Record<string, string> = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

const REFUSALS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

function refuse(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(`${status}: ${text}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = `${status}: ${text}\n`;
  const headers = Object.entries(BASE_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${REFUSALS[status] ?? 'Error'}\r\nConnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

function peer(req: http.IncomingMessage): string {
  return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const listen = opts.listen ?? '127.0.0.1';
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const log = opts.log ?? ((line: string, level: 'info' | 'warn') => coreLog[level](line));
  const report = (line: string): void => log(line, 'warn');
  const refused = (line: string): void => log(line, 'info');
  const root = path.resolve(opts.rendererDir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new FlotillaError('NOT_FOUND', `the built renderer is missing at ${root}; run \`npm run build\` first`);
  }
  const guard: GuardConfig = { listen, allowHosts: opts.allowHosts ?? [] };

  const serveFile = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const verdict = checkRequest(req, guard);
    if (!verdict.ok) {
      refused(`refused ${req.method ?? '?'} from ${peer(req)}: ${verdict.reason}`);
      return refuse(res, verdict.status, verdict.reason);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET and HEAD are served here');
    const rawUrl = req.url ?? '/';
    let rel = decodePath(rawUrl);
    if (rel === undefined) return refuse(res, 400, 'the path is not valid percent-encoding');
    // the page's own files need no token; a wrong one in the address bar is a stale URL worth naming
    const offered = queryToken(rawUrl);
    if (offered !== undefined && !sameToken(offered, token)) {
      return refuse(res, 401, 'this is not the token of the running Flotilla. Open the URL that `flotilla serve` printed (it ends in ?token=...).');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) return refuse(res, 403, 'outside the renderer');
    fs.readFile(file, (err, data) => {
      if (err) return refuse(res, 404, 'not found');
      const headers: Record<string, string> = { ...BASE_HEADERS, 'content-type': rendererFileType(path.extname(file)) };
      if (path.extname(file) === '.html') headers['content-security-policy'] = PAGE_CSP;
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : data);
    });
  };

  const server = http.createServer((req, res) => {
    try {
      serveFile(req, res);
    } catch (e) {
      // one bad request must not end the server
      report(`request ${req.method ?? '?'} ${(req.url ?? '').slice(0, 200)} failed: ${(e as Error)?.stack ?? String(e)}`);
      refuse(res, 500, 'internal error');
    }
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    // the page offers [flotilla.v1, flotilla.token.<token>]; the answer names the protocol, never the token
    handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();

  const attach = (ws: WebSocket, who: string): void => {
    sockets.add(ws);
    let cutOff = false;
    const conn = opts.host.dispatcher.connect((m: HostMessage) => {
      if (cutOff || ws.readyState !== ws.OPEN) return;
      try {
        ws.send(JSON.stringify(m));
      } catch (e) {
        report(`could not send to ${who}: ${(e as Error)?.message ?? String(e)}`);
        return;
      }
      if (ws.bufferedAmount > maxBuffered) {
        cutOff = true;
        report(
          `client ${who} stopped reading: ${(ws.bufferedAmount / 1048576).toFixed(1)} MiB waiting to be sent (limit ${(maxBuffered / 1048576).toFixed(1)} MiB); closing its connection`,
        );
        ws.terminate();
      }
    });
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return;
      }
      try {
        conn.receive(parsed);
      } catch (e) {
        report(`a message from ${who} failed: ${(e as Error)?.stack ?? String(e)}`);
      }
    });
    // a bad frame (invalid UTF-8, too large, bad opcode) closes this socket; without a listener it would end the server
    ws.on('error', (e) => report(`connection ${who} closed on a bad frame: ${e.message}`));
    ws.on('close', () => {
      sockets.delete(ws);
      conn.close();
    });
  };

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a peer that resets mid-handshake must not end the server
    try {
      const verdict = checkRequest(req, guard);
      if (!verdict.ok) {
        refused(`refused a WebSocket from ${peer(req)}: ${verdict.reason}`);
        return refuseUpgrade(socket, verdict.status, verdict.reason);
      }
      const p = decodePath(req.url ?? '/');
      if (p === undefined) return refuseUpgrade(socket, 400, 'the path is not valid percent-encoding');
      if (p !== '/ws') return refuseUpgrade(socket, 404, 'the WebSocket is at /ws');
      if (!sameToken(upgradeToken(req), token)) {
        return refuseUpgrade(socket, 401, 'this Flotilla needs its token. Open the URL that `flotilla serve` printed (it ends in ?token=...).');
      }
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, peer(req)));
    } catch (e) {
      report(`WebSocket upgrade from ${peer(req)} failed: ${(e as Error)?.stack ?? String(e)}`);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new FlotillaError('CONFLICT', `port ${opts.port} on ${listen} is in use; choose another with --port`) : e),
    );
    server.listen(opts.port, listen, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  server.on('error', (e) => report(`server error: ${e.message}`));
  const shown = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
  const shownHost = shown.includes(':') ? `[${shown}]` : shown;
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
