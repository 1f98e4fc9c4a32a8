// Docker CLI contexts: ~/.docker/config.json `currentContext` (or DOCKER_CONTEXT), and the contexts' meta.json + TLS files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import type { EngineTarget, TlsFiles } from './types';
import { dockerConfigDir } from './dirs';
import { parseEngineUrl } from './url';

export interface DockerContext {
  name: string;
  description?: string;
  /** the docker endpoint's Host (unix://, tcp://, ssh://...) */
  host: string;
  /** true for the context the docker CLI would use now */
  current: boolean;
}

interface ContextMeta {
  Name?: string;
  Metadata?: { Description?: string };
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FlotillaError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new FlotillaError('BAD_INPUT', `${file} is not valid JSON (${(e as Error).message}): fix or remove it`);
  }
}

export function contextDirName(name: string): string {
  return crypto.createHash('sha256').update(name).digest('hex');
}

/** The context name the docker CLI would use (DOCKER_CONTEXT, else config.json currentContext), or undefined for "default". */
export function currentContextName(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  const name = fromEnv || readJsonFile<{ currentContext?: string }>(path.join(dockerConfigDir(env), 'config.json'))?.currentContext?.trim();
  return name && name !== 'default' ? name : undefined;
}

function readMeta(name: string, env: NodeJS.ProcessEnv): ContextMeta | undefined {
  return readJsonFile<ContextMeta>(path.join(dockerConfigDir(env), 'contexts', 'meta', contextDirName(name), 'meta.json'));
}

/** The engine a named docker context points at, with its TLS files when it has them. */
export function contextTarget(name: string, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const dir = dockerConfigDir(env);
  const meta = readMeta(name, env);
  const source = env.DOCKER_CONTEXT?.trim() ? 'DOCKER_CONTEXT' : `currentContext in ${path.join(dir, 'config.json')}`;
  if (!meta) throw new FlotillaError('NOT_FOUND', `docker context "${name}" (from ${source}) does not exist in ${path.join(dir, 'contexts')}: run \`docker context ls\`, or \`docker context use default\``);
  const ep = meta.Endpoints?.docker;
  if (!ep?.Host) throw new FlotillaError('BAD_INPUT', `docker context "${name}" has no docker endpoint Host in its meta.json`);
  if (ep.SkipTLSVerify) throw new FlotillaError('AUTH', `docker context "${name}" skips TLS verification; Flotilla always verifies the engine's certificate: give the context a CA (docker context update ${name} --docker "host=${ep.Host},ca=...,cert=...,key=...")`);
  const tlsDir = path.join(dir, 'contexts', 'tls', contextDirName(name), 'docker');
  const files: TlsFiles = { ca: path.join(tlsDir, 'ca.pem'), cert: path.join(tlsDir, 'cert.pem'), key: path.join(tlsDir, 'key.pem') };
  const have = Object.values(files).filter((f) => fs.existsSync(f)).length;
  // the context's own TLS material wins over DOCKER_TLS_VERIFY / DOCKER_CERT_PATH
  const clean: NodeJS.ProcessEnv = { ...env, DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined };
  if (have === 3) return parseEngineUrl(ep.Host, { tlscacert: files.ca, tlscert: files.cert, tlskey: files.key }, clean);
  if (have > 0) throw new FlotillaError('AUTH', `docker context "${name}" has incomplete TLS material in ${tlsDir}: Flotilla needs ca.pem, cert.pem and key.pem`);
  return parseEngineUrl(ep.Host, {}, clean);
}

/** Every docker context on this machine, plus "default". */
export function listContexts(env: NodeJS.ProcessEnv = process.env): DockerContext[] {
  const current = currentContextName(env);
  const out: DockerContext[] = [{ name: 'default', host: env.DOCKER_HOST || 'unix:///var/run/docker.sock', description: 'the DOCKER_HOST or local engine', current: !current }];
  const metaDir = path.join(dockerConfigDir(env), 'contexts', 'meta');
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync(metaDir);
  } catch {
    /* no contexts */
  }
  for (const d of dirs) {
    const meta = readJsonFile<ContextMeta>(path.join(metaDir, d, 'meta.json'));
    if (!meta?.Name) continue;
    out.push({ name: meta.Name, host: meta.Endpoints?.docker?.Host ?? '', description: meta.Metadata?.Description, current: meta.Name === current });
  }
  return out.sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}
