// Where Flotilla keeps its data: $FLOTILLA_HOME, else the platform's data folder.
import os from 'node:os';
import path from 'node:path';

export function flotillaHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOTILLA_HOME) return path.resolve(env.FLOTILLA_HOME);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Flotilla');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Flotilla');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'flotilla');
}

/** The repository root when running from a checkout (used to find the built renderer and assets). */
export function appRoot(): string {
  return process.env.FLOTILLA_APP_ROOT ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
}
