import type Docker from 'dockerode';

/** Where a Docker engine is and how to reach it. */
export type EngineTarget =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'npipe'; pipePath: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsFiles }
  | {
      kind: 'ssh';
      user: string;
      host: string;
      port: number;
      /** private key file; without it: the SSH agent (SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, ~/.ssh/id_rsa */
      identityFile?: string;
      /** the engine's socket on the remote host (default /var/run/docker.sock) */
      socketPath?: string;
      /** where this host's key is pinned (overrides ConnectOptions.knownHostsFile and $FLOTILLA_HOME/known_hosts) */
      knownHostsFile?: string;
    };

/** PEM file paths (as the docker CLI takes them); TLS is always verified against `ca`. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface ConnectOptions {
  /** Flotilla's own known_hosts (host keys pinned on first use); defaults to $FLOTILLA_HOME/known_hosts */
  knownHostsFile?: string;
  /** timeout in ms for opening a connection (TCP connect, TLS or SSH handshake, SSH channel open); default 10 s */
  timeoutMs?: number;
  /**
   * deadline in ms for an API request that is not a stream (default 60 s; swarm init/join/leave, prune, stop/restart
   * and logs without follow get 5 min; streams and container wait get none); 0 turns it off
   */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  /** SSH keepalive interval in ms (default 15 s); three unanswered keepalives end the connection, the next request reconnects */
  sshKeepaliveMs?: number;
}

export interface EngineConnection {
  /** a docker-CLI-style URL: unix:///var/run/docker.sock, tcp://h:2376, ssh://root@h:22 */
  readonly url: string;
  readonly target: EngineTarget;
  readonly docker: Docker;
  /** sockets/channels currently open by this connection (tests assert these return to the starting count) */
  openChannels(): number;
  /**
   * Proves the link to the engine alive without an API request: opens one transport connection and closes it (TLS: a
   * full handshake, resumed when the engine gave a session ticket, so dockerd's own accept loop answered; plain TCP: a
   * connect; SSH: a channel to the engine's socket over the open SSH connection). Resolves true once one opened, false
   * when this transport cannot tell now (SSH through `docker system dial-stdio`: each stream would start a process);
   * rejects when none opens before the signal aborts. Absent where there is no link to lose (a local socket).
   */
  reach?(signal: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}
