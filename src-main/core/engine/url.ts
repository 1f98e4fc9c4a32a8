// Engine URLs as the docker CLI writes them (unix://, npipe://, tcp://, ssh://) <-> EngineTarget.
import os from 'node:os';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import type { EngineTarget, TlsFiles } from './types';
import { dockerConfigDir, expandPath } from './dirs';

export interface UrlOptions {
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  sshKey?: string;
}

export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
export const DEFAULT_NPIPE = '//./pipe/docker_engine';

function bad(url: string, why: string): FlotillaError {
  return new FlotillaError('BAD_INPUT', `invalid engine URL "${url}": ${why}`);
}

/**
 * Parses -H / DOCKER_HOST. TLS files come from the flags, else (for tcp://) from DOCKER_TLS_VERIFY /
 * DOCKER_CERT_PATH like the docker CLI does. Files are checked when connecting, not here.
 */
export function parseEngineUrl(url: string, opts: UrlOptions = {}, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const raw = url.trim();
  if (!raw) throw bad(url, 'it is empty');
  const tlsFlags = [opts.tlscacert, opts.tlscert, opts.tlskey].filter((v) => v !== undefined && v !== '').length;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(raw);
  const scheme = m ? m[1].toLowerCase() : 'tcp';
  const rest = m ? m[2] : raw;
  if (tlsFlags > 0 && scheme !== 'tcp') throw new FlotillaError('BAD_INPUT', `--tlscacert/--tlscert/--tlskey apply only to tcp:// engines, not ${raw}`);
  if (opts.sshKey && scheme !== 'ssh') throw new FlotillaError('BAD_INPUT', `--ssh-key applies only to ssh:// engines, not ${raw}`);
  switch (scheme) {
    case 'unix':
      return { kind: 'unix', socketPath: rest || DEFAULT_UNIX_SOCKET };
    case 'npipe':
      return { kind: 'npipe', pipePath: rest || DEFAULT_NPIPE };
    case 'tcp':
    case 'http':
    case 'https': {
      const tls = tlsFromOptions(raw, opts, env);
      const { host, port } = hostPort(raw, rest, tls ? 2376 : 2375);
      if (scheme === 'https' && !tls) throw new FlotillaError('BAD_INPUT', `${raw} asks for TLS: pass --tlscacert, --tlscert and --tlskey (or set DOCKER_CERT_PATH)`);
      return tls ? { kind: 'tcp', host, port, tls } : { kind: 'tcp', host, port };
    }
    case 'ssh': {
      const at = rest.lastIndexOf('@');
      const user = at >= 0 ? decodeURIComponent(rest.slice(0, at)) : os.userInfo().username;
      if (at >= 0 && !user) throw bad(url, 'the user name before @ is empty');
      if (user.includes(':')) throw bad(url, 'passwords in ssh:// URLs are not supported: use a key file (--ssh-key) or the SSH agent');
      const { host, port } = hostPort(raw, rest.slice(at + 1), 22);
      const t: EngineTarget = { kind: 'ssh', user, host, port };
      if (opts.sshKey) t.identityFile = expandPath(opts.sshKey, env);
      return t;
    }
    default:
      throw bad(url, `unsupported scheme ${scheme}:// (use unix://, npipe://, tcp:// or ssh://)`);
  }
}

function hostPort(url: string, rest: string, defaultPort: number): { host: string; port: number } {
  const hostport = rest.replace(/\/+$/, '');
  if (hostport.includes('/')) throw bad(url, 'a path after the host is not supported');
  let host: string;
  let portStr: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(hostport);
  if (v6) {
    host = v6[1];
    portStr = v6[2];
  } else {
    const parts = hostport.split(':');
    if (parts.length > 2) throw bad(url, 'write IPv6 addresses in brackets, e.g. tcp://[::1]:2376');
    host = parts[0];
    portStr = parts[1];
  }
  if (!host) throw bad(url, 'the host is missing');
  if (!/^[A-Za-z0-9.\-_:%]+$/.test(host)) throw bad(url, `"${host}" is not a host name or address`);
  let port = defaultPort;
  if (portStr !== undefined && portStr !== '') {
    if (!/^\d+$/.test(portStr) || Number(portStr) < 1 || Number(portStr) > 65535) throw bad(url, `"${portStr}" is not a port (1-65535)`);
    port = Number(portStr);
  }
  return { host, port };
}

function tlsFromOptions(url: string, opts: UrlOptions, env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const given = { ca: opts.tlscacert, cert: opts.tlscert, key: opts.tlskey };
  const n = Object.values(given).filter(Boolean).length;
  if (n > 0 && n < 3) {
    const missing = [!given.ca && '--tlscacert', !given.cert && '--tlscert', !given.key && '--tlskey'].filter(Boolean).join(', ');
    throw new FlotillaError('BAD_INPUT', `TLS to ${url} needs --tlscacert, --tlscert and --tlskey together; missing ${missing}`);
  }
  if (n === 3) return { ca: expandPath(given.ca as string, env), cert: expandPath(given.cert as string, env), key: expandPath(given.key as string, env) };
  if (env.DOCKER_TLS_VERIFY || env.DOCKER_CERT_PATH) {
    const dir = expandPath(env.DOCKER_CERT_PATH || dockerConfigDir(env), env);
    return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
  }
  return undefined;
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function targetToUrl(t: EngineTarget): string {
  switch (t.kind) {
    case 'unix':
      return `unix://${t.socketPath}`;
    case 'npipe':
      return `npipe://${t.pipePath.replace(/\\/g, '/')}`;
    case 'tcp':
      return `tcp://${bracket(t.host)}:${t.port}`;
    case 'ssh':
      return `ssh://${t.user}@${bracket(t.host)}:${t.port}`;
  }
}
