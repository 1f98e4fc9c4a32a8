// Prompt ACKs on an SSH connection to OpenSSH.
//
// sshd keeps Nagle's algorithm on for forwarded channels (it sets TCP_NODELAY only for sessions with a pty), and
// Linux delays the ACK of data it has nothing to answer with by 40 ms. So when sshd sends a packet this side does not
// answer (a response while others are still in flight, the hostkeys-00 notice after authentication, a reply to
// ssh2's hostkeys-prove), the next small packet it has, often an engine's answer, waits in sshd's kernel for that
// delayed ACK. Measured on the lab (tcpdump): a new connection's first request took 57 ms where the engine answers
// in 10, held 41 ms; with the host's route to the lab set to `quickack 1` (a host setting, not Flotilla's) it took 15.
//
// Node cannot set TCP_QUICKACK on a socket, so this side answers instead: when data arrived and nothing was sent
// back by the next turn of the event loop, it sends one SSH_MSG_REQUEST_FAILURE, which carries the ACK. OpenSSH's
// sshd takes a REQUEST_FAILURE it did not ask for as a keepalive answer (serverloop.c, server_input_keep_alive) and
// sends nothing back, so this cannot start a ping-pong. Only for servers that say they are OpenSSH: another server
// may treat an unasked reply as a protocol error. FLOTILLA_SSH_PROMPT_ACKS=0 turns it off (ssh.ts).
// With it, the same deploy took 82-84 ms against 142-165 without, and a new connection's first request 18-26 ms
// against 55-68 (`npm run bench -- stacks`, lab, alternating runs).
//
// Bulk data needs none of this (the kernel ACKs every second full-sized segment at once): a read of BULK bytes or more
// is not answered. At most one answer goes out per event-loop turn, and at most one each MIN_GAP_MS.
//
// Hand-written against ssh2's internals (`_sock`, `_protocol.requestFailure`, `_remoteVer`), which have no public
// equivalent: each is checked before use, and without them nothing is sent (the connection works as before).
import { Socket } from 'node:net';
import type { Client } from 'ssh2';

const BULK = 16 * 1024;
const MIN_GAP_MS = 2;

interface Ssh2Internals {
  _remoteVer?: unknown;
  _sock?: unknown;
  _protocol?: { requestFailure?: () => void };
}

/** 'OpenSSH_9.2p1 Debian-2+deb12u3' and the like: the server's software version from its identification string */
export function isOpenSsh(remoteVersion: unknown): boolean {
  return typeof remoteVersion === 'string' && /^OpenSSH_\d/.test(remoteVersion);
}

/**
 * Starts answering the connection's incoming data with a REQUEST_FAILURE when nothing else answered it (see above).
 * Call it once `client` is ready (its server's version is known then). Returns how many answers were sent (tests),
 * whether it is on, and a stop.
 */
export function promptAcks(client: Client): { active: boolean; nudges(): number; stop(): void } {
  const inner = client as unknown as Ssh2Internals;
  let sent = 0;
  const sock = inner._sock;
  if (!(sock instanceof Socket) || !isOpenSsh(inner._remoteVer) || typeof inner._protocol?.requestFailure !== 'function') {
    return { active: false, nudges: () => 0, stop: () => undefined };
  }
  let pending = false;
  let writtenAtData = 0;
  let lastAt = -Infinity;
  const answer = (): void => {
    pending = false;
    // something went out since the data came (a request, a close, ssh2's own window adjust): it carried the ACK
    if (sock.bytesWritten !== writtenAtData || sock.destroyed || !sock.writable) return;
    const proto = inner._protocol;
    if (typeof proto?.requestFailure !== 'function') return;
    proto.requestFailure();
    lastAt = performance.now();
    sent++;
  };
  const onData = (chunk: Buffer): void => {
    if (chunk.length >= BULK) return;
    writtenAtData = sock.bytesWritten;
    if (pending) return;
    pending = true;
    // a stream of small reads (a busy log) gets an answer every MIN_GAP_MS at most, still far inside the 40 ms
    const wait = lastAt + MIN_GAP_MS - performance.now();
    if (wait > 0) setTimeout(answer, wait);
    else setImmediate(answer);
  };
  sock.on('data', onData);
  return { active: true, nudges: () => sent, stop: () => sock.off('data', onData) };
}
