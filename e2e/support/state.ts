// What global-setup handed over: the server URL and token, and the lab's nodes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { E2eState } from './global-setup';

export function e2eState(): E2eState {
  const fromEnv = process.env.FLOTILLA_E2E_STATE;
  if (fromEnv) return JSON.parse(fromEnv) as E2eState;
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'server.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as E2eState;
}

export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
