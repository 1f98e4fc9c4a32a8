// The /events JSON-lines reader against a peer that sends a 5 MB line: it is skipped, the events around it arrive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from './connect';
import { MAX_EVENT_LINE_BYTES, streamEngineEvents } from './events';

let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(JSON.stringify({ id: 'first' }) + '\n');
    // 5 MB of one line, in pieces, with the next event right after its newline
    const piece = Buffer.alloc(256 * 1024, 'z');
    let sent = 0;
    const more = (): void => {
      while (sent < 5_000_000) {
        sent += piece.length;
        if (!res.write(piece)) return void res.once('drain', more);
      }
      res.end('\n' + JSON.stringify({ id: 'after' }) + '\n');
    };
    more();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('engine events reader', () => {
  it('skips a line over MAX_EVENT_LINE_BYTES and keeps reading the events after it', async () => {
    const conn = await connectEngine({ kind: 'tcp', host: '127.0.0.1', port });
    try {
      const got: unknown[] = [];
      await streamEngineEvents(conn, undefined, new AbortController().signal, (e) => got.push(e));
      expect(got).toEqual([{ id: 'first' }, { id: 'after' }]);
      expect(MAX_EVENT_LINE_BYTES).toBe(1024 * 1024);
    } finally {
      await conn.close();
    }
  });
});
