// ssh://user@host: ONE persistent ssh2 connection per host (and key), shared by every request and every
// EngineConnection to it. Each HTTP request to the engine is one SSH channel to the remote docker socket
// (direct-streamlocal), or `docker system dial-stdio` where sshd refuses socket forwarding.
// Host keys are pinned on first use in Flotilla's known_hosts. A dropped connection is re-made by the next request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type AnyAuthMethod, type Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { FlotillaError } from '../../api/errors';
import { preferredHostKeyAlgorithms, verifyHostKey } from '../known-hosts';
import { describeNetError } from './net-errors';
import { promptAcks } from './ssh-ack';

// ssh2 is CommonJS: take its exports from the default import (named imports fail under Node's ESM loader)
const { Client: SshClient, utils } = ssh2;

export interface SshTunnelConfig {
  user: string;
  host: string;
  port: number;
  identityFile?: string;
  socketPath: string;
  knownHostsFile: string;
  timeoutMs: number;
  /** SSH keepalive interval (default 15 s); three unanswered keepalives end the connection */
  keepaliveMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** SSH channel open failure reasons (RFC 4254) */
const PROHIBITED = 1;
const CONNECT_FAILED = 2;
const UNKNOWN_CHANNEL_TYPE = 3;

function readPrivateKey(file: string, explicit: boolean): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    if (!explicit) return undefined;
    const code = (e as NodeJS.ErrnoException).code;
    throw new FlotillaError('BAD_INPUT', code === 'ENOENT' ? `the SSH key file ${file} does not exist: pass an existing private key with --ssh-key` : `cannot read the SSH key file ${file}: ${(e as Error).message}`);
  }
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error) {
    if (!explicit) return undefined;
    if (/passphrase|encrypted/i.test(parsed.message)) throw new FlotillaError('AUTH', `the SSH key ${file} is protected by a passphrase: load it into your SSH agent (ssh-add ${file}) and connect without --ssh-key`);
    throw new FlotillaError('BAD_INPUT', `${file} is not an SSH private key Flotilla can read (${parsed.message})`);
  }
  return data;
}

function authMethods(cfg: SshTunnelConfig): { methods: AnyAuthMethod[]; described: string } {
  const username = cfg.user;
  if (cfg.identityFile) return { methods: [{ type: 'publickey', username, key: readPrivateKey(cfg.identityFile, true) as Buffer }], described: `the key ${cfg.identityFile}` };
  const env = cfg.env ?? process.env;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  if (env.SSH_AUTH_SOCK) {
    methods.push({ type: 'agent', username, agent: env.SSH_AUTH_SOCK });
    tried.push('the SSH agent');
  }
  const sshDir = path.join(env.HOME || os.homedir(), '.ssh');
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(sshDir, name);
    const key = readPrivateKey(file, false);
    if (key) {
      methods.push({ type: 'publickey', username, key });
      tried.push(file);
    }
  }
  if (methods.length === 0)
    throw new FlotillaError('AUTH', `no SSH key for ssh://${cfg.user}@${cfg.host}:${cfg.port}: pass --ssh-key FILE, start an SSH agent (SSH_AUTH_SOCK), or create ${path.join(sshDir, 'id_ed25519')}`);
  return { methods, described: tried.join(', ') };
}

type Shimmed = ClientChannel & { setTimeout?: unknown; setNoDelay?: unknown; setKeepAlive?: unknown; ref?: unknown; unref?: unknown };

/** http's client may call socket methods a channel lacks; give them harmless versions. */
function asSocket(ch: ClientChannel): Duplex {
  const s = ch as Shimmed;
  const self = (): Shimmed => s;
  for (const m of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'] as const) if (typeof s[m] !== 'function') s[m] = self;
  // a channel can fail after http let go of it; never let that crash the process
  ch.on('error', () => undefined);
  // like a net.Socket without allowHalfOpen: when the engine ends its side (a finished exec, a closed
  // response), end ours too so the channel closes instead of lingering half-open
  ch.once('end', () => ch.end());
  return ch;
}

/** p, or a rejection when the signal aborts first; a value that comes after that is handed to `late` (to close it) */
function untilAbortedOrDone<T>(p: Promise<T>, signal: AbortSignal, late: (v: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new FlotillaError('TIMEOUT', 'no answer in time'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) late(v);
        else resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export class SshTunnel {
  refs = 0;
  /** how many times a connection was established (tests use it to see a reconnect) */
  connects = 0;
  /** the current connection's prompt ACKs (ssh-ack.ts): on with OpenSSH servers */
  acks?: ReturnType<typeof promptAcks>;
  private client?: Client;
  private ready?: Promise<Client>;
  private mode: 'forward' | 'dial-stdio' = 'forward';
  private ended = false;

  constructor(
    readonly key: string,
    private readonly cfg: SshTunnelConfig,
  ) {}

  get knownHostsFile(): string {
    return this.cfg.knownHostsFile;
  }

  get url(): string {
    return `ssh://${this.cfg.user}@${this.cfg.host.includes(':') ? `[${this.cfg.host}]` : this.cfg.host}:${this.cfg.port}`;
  }

  /** true while the SSH connection is up */
  get connected(): boolean {
    return this.client !== undefined;
  }

  get transport(): 'forward' | 'dial-stdio' {
    return this.mode;
  }

  /** The live client, connecting (again) when there is none. */
  connect(): Promise<Client> {
    if (this.ended) return Promise.reject(new FlotillaError('UNREACHABLE', `the SSH connection to ${this.url} was closed`));
    if (this.ready) return this.ready;
    const p = this.handshake();
    this.ready = p;
    p.catch(() => {
      if (this.ready === p) this.ready = undefined;
    });
    return p;
  }

  private handshake(): Promise<Client> {
    const cfg = this.cfg;
    const { methods, described } = authMethods(cfg);
    let hostKeyError: FlotillaError | undefined;
    const preferred = preferredHostKeyAlgorithms(cfg.knownHostsFile, cfg.host, cfg.port) as ServerHostKeyAlgorithm[];
    const config: ConnectConfig = {
      host: cfg.host,
      port: cfg.port,
      username: cfg.user,
      authHandler: methods,
      readyTimeout: cfg.timeoutMs,
      keepaliveInterval: cfg.keepaliveMs ?? 15_000,
      keepaliveCountMax: 3,
      // runs during key exchange: a refused key ends the connection before any authentication is sent
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        void verifyHostKey(cfg.knownHostsFile, cfg.host, cfg.port, key).then((r) => {
          if (!r.ok) hostKeyError = r.error;
          verify(r.ok);
        });
      },
    };
    if (preferred.length) config.algorithms = { serverHostKey: { remove: preferred, prepend: preferred, append: [] } };
    return new Promise<Client>((resolve, reject) => {
      const c = new SshClient();
      let settled = false;
      // Nagle's algorithm held the second of two SSH packets until the node's delayed ACK (40 ms): a node listing took
      // 44 ms where the engine answers in 4 (measured on the lab). Requests and the handshake are small and latency-bound.
      c.on('connect', () => c.setNoDelay(true));
      c.on('ready', () => {
        settled = true;
        this.connects++;
        this.acks = process.env.FLOTILLA_SSH_PROMPT_ACKS === '0' ? undefined : promptAcks(c);
        if (this.ended) {
          c.end();
          reject(new FlotillaError('UNREACHABLE', `the SSH connection to ${this.url} was closed`));
          return;
        }
        this.client = c;
        this.mode = 'forward'; // a new connection may allow forwarding again
        resolve(c);
      });
      c.on('error', (err: Error & { level?: string }) => {
        if (settled) {
          // after ready (keepalive timeout, reset...): drop this client now, as 'close' may wait for a peer
          // that no longer answers; the next request reconnects
          if (this.client === c) {
            this.client = undefined;
            this.ready = undefined;
          }
          c.destroy();
          return;
        }
        settled = true;
        reject(this.describeConnectError(err, hostKeyError, described));
      });
      c.on('close', () => {
        if (this.client === c) {
          this.client = undefined;
          this.ready = undefined;
        }
        if (!settled) {
          settled = true;
          reject(hostKeyError ?? new FlotillaError('UNREACHABLE', `${this.url} closed the connection during the SSH handshake`));
        }
      });
      try {
        c.connect(config);
      } catch (e) {
        settled = true;
        reject(new FlotillaError('BAD_INPUT', `cannot start SSH to ${this.url}: ${(e as Error).message}`));
      }
    });
  }

  private describeConnectError(err: Error & { level?: string; code?: string }, hostKeyError: FlotillaError | undefined, described: string): FlotillaError {
    if (hostKeyError) return hostKeyError;
    const secs = Math.round(this.cfg.timeoutMs / 1000);
    if (err.level === 'client-authentication')
      return new FlotillaError('AUTH', `${this.url} refused ${described}: is the matching public key in ~${this.cfg.user}/.ssh/authorized_keys on ${this.cfg.host}?`, { cause: err });
    if (err.level === 'client-timeout') return new FlotillaError('TIMEOUT', `no SSH handshake with ${this.url} within ${secs} s: is the host up and sshd running on port ${this.cfg.port}?`, { cause: err });
    if (err.level === 'client-socket' || err.code) return describeNetError(this.url, err, this.cfg.timeoutMs);
    return new FlotillaError('UNREACHABLE', `SSH to ${this.url} failed: ${err.message}`, { cause: err });
  }

  /** One stream to the remote engine; reconnects first when the connection dropped. */
  async open(): Promise<Duplex> {
    let c = await this.connect();
    if (this.mode === 'forward') {
      try {
        return asSocket(await this.forward(c));
      } catch (e) {
        const reason = (e as { reason?: unknown }).reason;
        if (reason === PROHIBITED || reason === UNKNOWN_CHANNEL_TYPE) {
          this.mode = 'dial-stdio'; // sshd forbids stream-local forwarding: use the remote docker CLI from now on
        } else if (reason === CONNECT_FAILED) {
          // OpenSSH answers "connect failed" both when the socket is missing and when forwarding is
          // disabled (AllowStreamLocalForwarding no): let the remote docker CLI dial instead, until the next reconnect
          try {
            const ch = await this.dialStdio(c);
            this.mode = 'dial-stdio';
            return asSocket(ch);
          } catch {
            throw new FlotillaError('UNREACHABLE', `the Docker engine on ${this.url} does not answer at ${this.cfg.socketPath}: is dockerd running there?`);
          }
        } else if (e instanceof FlotillaError) {
          throw e;
        } else {
          // the connection died under us: one fresh try
          if (this.client === c) this.client?.end();
          this.client = undefined;
          this.ready = undefined;
          c = await this.connect();
          return asSocket(await this.forward(c));
        }
      }
    }
    return asSocket(await this.dialStdio(c));
  }

  /** EngineConnection.reach: a channel to the engine's socket over the SSH connection there is, opened and closed at once
   * (no new SSH connection: a bare connect to sshd is logged by it). False in dial-stdio mode or with no connection up. */
  async reach(signal: AbortSignal): Promise<boolean> {
    const c = this.client;
    if (!c || this.mode !== 'forward') return false;
    const ch = await untilAbortedOrDone(this.forward(c), signal, (late) => late.close());
    ch.close();
    return true;
  }

  private channelTimeout(what: string): FlotillaError {
    return new FlotillaError('TIMEOUT', `${this.url} did not open ${what} within ${Math.round(this.cfg.timeoutMs / 1000)} s`);
  }

  private forward(c: Client): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(this.channelTimeout(`a channel to ${this.cfg.socketPath}`));
      }, this.cfg.timeoutMs);
      try {
        c.openssh_forwardOutStreamLocal(this.cfg.socketPath, (err, ch) => {
          clearTimeout(timer);
          if (done) {
            ch?.close();
            return;
          }
          done = true;
          if (err) reject(err);
          else resolve(ch);
        });
      } catch (e) {
        clearTimeout(timer);
        done = true;
        reject(e);
      }
    });
  }

  private dialStdio(c: Client): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(this.channelTimeout('`docker system dial-stdio`'));
      }, this.cfg.timeoutMs);
      try {
        c.exec('docker system dial-stdio', (err, ch) => {
          clearTimeout(timer);
          if (done) {
            ch?.close();
            return;
          }
          done = true;
          if (err) {
            reject(new FlotillaError('UNREACHABLE', `${this.url} refused to run \`docker system dial-stdio\`: ${err.message}`));
            return;
          }
          let stderr = '';
          ch.stderr.on('data', (d: Buffer) => {
            if (stderr.length < 4096) stderr += d.toString('utf8');
          });
          ch.on('exit', (code: number | null) => {
            if (code) (ch as Duplex).destroy(new FlotillaError('UNREACHABLE', `\`docker system dial-stdio\` on ${this.url} failed (exit ${code}): ${stderr.trim() || 'no message'}; is the docker CLI installed there and dockerd running?`));
          });
          resolve(ch);
        });
      } catch (e) {
        clearTimeout(timer);
        done = true;
        reject(e);
      }
    });
  }

  /** Ends the SSH connection for good. */
  end(): void {
    this.ended = true;
    this.client?.end();
    this.client = undefined;
    this.ready = undefined;
  }

  /** Test hook: drops the TCP connection as a network failure would (the next request reconnects). */
  dropForTest(): void {
    this.client?.destroy();
  }
}

const tunnels = new Map<string, SshTunnel>();

export function tunnelKey(cfg: SshTunnelConfig): string {
  return `${cfg.user}@${cfg.host}:${cfg.port}|${cfg.identityFile ?? '(agent/default keys)'}|${cfg.socketPath}|${cfg.knownHostsFile}`;
}

/** The shared tunnel for this host and key, with one more user. */
export function acquireTunnel(cfg: SshTunnelConfig): SshTunnel {
  const key = tunnelKey(cfg);
  let t = tunnels.get(key);
  if (!t) {
    t = new SshTunnel(key, cfg);
    tunnels.set(key, t);
  }
  t.refs++;
  return t;
}

/** One user fewer; the last one out ends the SSH connection. */
export function releaseTunnel(t: SshTunnel): void {
  t.refs = Math.max(0, t.refs - 1);
  if (t.refs === 0) {
    if (tunnels.get(t.key) === t) tunnels.delete(t.key);
    t.end();
  }
}

export interface SshTunnelInfo {
  url: string;
  knownHostsFile: string;
  refs: number;
  connects: number;
  connected: boolean;
  transport: 'forward' | 'dial-stdio';
  /** the current connection answers the server's unanswered packets (ssh-ack.ts: OpenSSH servers), and how often it did */
  promptAcks: boolean;
  ackNudges: number;
}

/** The shared SSH connections right now (for diagnostics and tests). */
export function sshTunnels(): SshTunnelInfo[] {
  return [...tunnels.values()].map((t) => ({ url: t.url, knownHostsFile: t.knownHostsFile, refs: t.refs, connects: t.connects, connected: t.connected, transport: t.transport, promptAcks: t.acks?.active ?? false, ackNudges: t.acks?.nudges() ?? 0 }));
}
