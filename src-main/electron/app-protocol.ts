// The handler behind protocol.handle('flotilla'): flotilla://app/PATH answers the file PATH under the built
// renderer folder and nothing else (no other host, no way out of the folder by .., encoded dots or slashes,
// or a symbolic link). index.html carries the Electron CSP as a header. No electron import: tests call it in Node.
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, ELECTRON_CSP } from './trust';
import { rendererFileType } from '../host/renderer-file-types';

export interface AppRequest {
  readonly url: string;
  readonly method?: string;
}

function answer(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}

/** the file under root that url names, or why there is none (status and reason) */
export async function resolveAppFile(root: string, url: string): Promise<{ file: string } | { status: number; reason: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return { status: 404, reason: `not ${APP_SCHEME}://${APP_HOST}/` };
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return { status: 400, reason: 'bad percent-encoding' };
  }
  if (rel === '' || rel === '/') rel = '/index.html';
  // after decoding, a segment may hold what the URL parser never saw: "..%2f", a backslash, a NUL
  if (rel.includes('\0') || rel.includes('\\') || rel.split('/').some((s) => s === '..' || s === '.')) return { status: 403, reason: 'outside the renderer folder' };
  const base = await fs.realpath(root);
  const file = path.resolve(base, `.${rel}`);
  if (!isInside(base, file)) return { status: 403, reason: 'outside the renderer folder' };
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch {
    return { status: 404, reason: 'no such file' };
  }
  // a symbolic link inside the folder that points out of it
  if (!isInside(base, real)) return { status: 403, reason: 'outside the renderer folder' };
  const st = await fs.stat(real);
  if (!st.isFile()) return { status: 404, reason: 'not a file' };
  return { file: real };
}

function isInside(base: string, file: string): boolean {
  const rel = path.relative(base, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** protocol.handle's handler for the renderer folder root */
export function createAppProtocolHandler(root: string): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return answer(405, `${method} is not served`);
    const r = await resolveAppFile(root, request.url);
    if ('status' in r) return answer(r.status, r.reason);
    const ext = path.extname(r.file).toLowerCase();
    const headers: Record<string, string> = {
      'content-type': rendererFileType(ext),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    };
    if (ext === '.html') headers['content-security-policy'] = ELECTRON_CSP;
    return new Response(method === 'HEAD' ? null : await fs.readFile(r.file), { status: 200, headers });
  };
}
