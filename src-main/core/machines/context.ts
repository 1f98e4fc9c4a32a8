// The per-operation context: a DriverContext whose log lines go to the machine's log file
// (in order) and, with its steps, to whoever watches the operation.
import path from 'node:path';
import fs from 'node:fs';
import type { DriverContext } from './drivers/types';
import type { MachineStore } from './store';
import type { MachineEvent } from './types';

export type EventSink = (e: MachineEvent) => void;

export interface OpContext extends DriverContext {
  /** resolves when every log line is on disk */
  flush(): Promise<void>;
}

export function opContext(store: MachineStore, name: string, publicKey: string, privateKeyPath: string, sink: EventSink, signal: AbortSignal): OpContext {
  let chain: Promise<void> = Promise.resolve();
  const write = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    chain = chain.then(() => store.appendLog(name, stamped)).catch(() => undefined);
  };
  return {
    machineDir: store.machineDir(name),
    sshPublicKey: publicKey,
    sshPrivateKeyPath: privateKeyPath,
    signal,
    log(line: string) {
      for (const l of line.split('\n')) {
        if (!l.trim()) continue;
        write(l);
        sink({ machine: name, log: l });
      }
    },
    step(step: string, detail?: string) {
      write(`== ${step}${detail ? `: ${detail}` : ''}`);
      sink({ machine: name, step, detail });
    },
    flush: () => chain,
  };
}

export function keyPath(store: MachineStore, name: string, file: string): string {
  return path.join(store.machineDir(name), file);
}

export function readPublicKey(privateKeyPath: string): string {
  try {
    return fs.readFileSync(privateKeyPath + '.pub', 'utf8').trim();
  } catch {
    return '';
  }
}
