// The per-operation context: a DriverContext whose log lines go to the machine's log file
// (in order) and, with its steps, to whoever watches the operation. A create or provision also records each
// step in the machine's lease (busy.json) before the step runs, so an interrupted one names where it died.
import fs from 'node:fs';
import { newLease, writeLease, type BusyLease } from './busy';
import type { DriverContext } from './drivers/types';
import type { MachineStore } from './store';
import type { MachineEvent } from './types';

export type EventSink = (e: MachineEvent) => void;

export interface OpContext extends DriverContext {
  /** resolves when every log line is on disk */
  flush(): Promise<void>;
}

export function opContext(store: MachineStore, name: string, publicKey: string, privateKeyPath: string, sink: EventSink, signal: AbortSignal, leaseOp?: BusyLease['op']): OpContext {
  let chain: Promise<void> = Promise.resolve();
  const write = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    chain = chain.then(() => store.appendLog(name, stamped)).catch(() => undefined);
  };
  return {
    machineName: name,
    machineDir: store.machineDir(name),
    sshPublicKey: publicKey,
    sshPrivateKeyPath: privateKeyPath,
    knownHostsFile: store.knownHostsFile,
    signal,
    log(line: string) {
      for (const l of line.split('\n')) {
        if (!l.trim()) continue;
        write(l);
        sink({ machine: name, log: l });
      }
    },
    step(step: string, detail?: string) {
      if (leaseOp) writeLease(store.machineDir(name), newLease(leaseOp, step, detail));
      write(`== ${step}${detail ? `: ${detail}` : ''}`);
      sink({ machine: name, step, detail });
    },
    flush: () => chain,
  };
}

export function readPublicKey(privateKeyPath: string): string {
  try {
    return fs.readFileSync(privateKeyPath + '.pub', 'utf8').trim();
  } catch {
    return '';
  }
}
