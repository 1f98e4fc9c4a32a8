/// <reference lib="dom" />
// The floor under the board bench's figures: what this Chromium takes at all, measured by the same probe.
// A bare page (no framework, no data to fetch or check) that paints the columns and cards the Board put on screen,
// from a module script of a few hundred bytes, and then changes one text node per WebSocket message. Its first
// render and its change latency are the least any page can score here: a change waits for the next frame (60 Hz
// in headless Chromium), so its p95 cannot be much under one frame interval (16.7 ms) however little it does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FloorResult {
  firstRenderMs: number;
  firstRenderRunsMs: number[];
  changeP50Ms: number;
  changeP95Ms: number;
  changeRuns: number;
}

export interface FloorOptions {
  /** the Board's data-columns (every column of the model) */
  expectedColumns: number;
  /** cards in each column the Board had in the DOM, left to right */
  cardsPerColumn: number[];
  /** where the Board's column scroller was on the page (the floor's is put at the same place and size) */
  box: { left: number; top: number; width: number; height: number };
  loads: number;
  runs: number;
  /** the board bench's init script (first-render poll and change probe), with its argument */
  probe: (expectedColumns: number) => void;
  pct: (xs: number[], p: number) => number;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>floor</title>
<style>body{margin:0;font:13px system-ui,sans-serif}.cols{display:flex;gap:10px;overflow:auto;align-items:flex-start}
.col{flex:0 0 236px;border:1px solid #ccc;border-radius:10px}.col h3{margin:6px 8px;font-size:13px}
.card{margin:6px 8px;padding:6px 8px;border:1px solid #ddd;border-left:4px solid #36c;border-radius:6px}
.card span{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}</style>
<script type="module" src="/floor.js"></script></head><body><div id="root"></div></body></html>`;

function script(expected: number, cards: number[], box: FloorOptions['box']): string {
  return `const cards=${JSON.stringify(cards)};
const board=document.createElement('div');board.className='cols';board.setAttribute('data-testid','board-columns');board.dataset.columns='${expected}';
board.style.cssText='position:absolute;left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px';
let first;
cards.forEach((n,c)=>{const col=document.createElement('section');col.className='col';col.setAttribute('data-testid','node-column');
const h=document.createElement('h3');h.textContent='node-'+c;col.appendChild(h);
for(let i=0;i<n;i++){const d=document.createElement('div');d.className='card';d.setAttribute('data-testid','task-card');
d.innerHTML='<span>web.'+(i+1)+'</span><span>registry.example/app/web:1.'+i+'</span><span>running · 4m</span>';first??=d.firstChild;col.appendChild(d);}
board.appendChild(col);});
document.getElementById('root').appendChild(board);
const ws=new WebSocket('ws://'+location.host+'/ws');let k=0;
ws.onmessage=(e)=>{if(String(e.data).includes('"type":"diff"')&&first)first.textContent='web.'+(++k);};`;
}

export async function measureFloor(browser: Browser, o: FloorOptions): Promise<FloorResult> {
  const js = script(o.expectedColumns, o.cardsPerColumn, o.box);
  const server = http.createServer((req, res) => {
    if (req.url === '/floor.js') res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const firsts: number[] = [];
    let changes: number[] = [];
    for (let i = 0; i < o.loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'no-preference' });
      const page = await context.newPage();
      page.on('pageerror', (e) => process.stderr.write(`floor page error: ${e.message}\n`));
      await page.addInitScript(o.probe, o.expectedColumns);
      await page.goto(url);
      const h = await page.waitForFunction(() => (window as unknown as { __board: { firstPaint?: number } }).__board.firstPaint, undefined, { timeout: 60_000 }).catch(async (e: Error) => {
        const seen = await page.evaluate(() => ({ html: document.documentElement.outerHTML.slice(0, 600), cols: document.querySelectorAll('[data-testid="node-column"]').length }));
        throw new Error(`${e.message}; the floor page had ${JSON.stringify(seen)}`);
      });
      firsts.push(Number(await h.jsonValue()));
      if (i === o.loads - 1) {
        await page.waitForFunction(() => document.querySelector('[data-testid="task-card"]') !== null);
        await page.waitForTimeout(300); // the socket open
        const warmup = 10;
        for (let n = 0; n < warmup + o.runs; n++) {
          for (const s of sockets) s.send(JSON.stringify({ type: 'diff', n }));
          await page.waitForFunction((k) => (window as unknown as { __board: { changes: number[] } }).__board.changes.length >= k, n + 1, { timeout: 30_000, polling: 20 });
          await page.waitForTimeout(30);
        }
        changes = (await page.evaluate(() => (window as unknown as { __board: { changes: number[] } }).__board.changes)).slice(warmup);
      }
      await context.close();
    }
    const round = (x: number): number => Math.round(x * 10) / 10;
    return {
      firstRenderMs: round(o.pct(firsts, 50)),
      firstRenderRunsMs: firsts.map(round),
      changeP50Ms: round(o.pct(changes, 50)),
      changeP95Ms: round(o.pct(changes, 95)),
      changeRuns: changes.length,
    };
  } finally {
    for (const s of sockets) s.terminate();
    wss.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
