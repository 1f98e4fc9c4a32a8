// The content type of each kind of file the renderer build holds, for the two places that serve it: the Electron
// app scheme (electron/app-protocol.ts) and browser mode (server/server.ts). A table, because a mime library would be
// a dependency for a dozen lines.
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** the content type for a file extension (with its dot), octet-stream when the build should not hold such a file */
export function rendererFileType(ext: string): string {
  return TYPES[ext] ?? 'application/octet-stream';
}
