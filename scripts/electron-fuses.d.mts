/** electron-builder's electronFuses keys, by their index in the fuse wire */
export const FUSE_KEYS: Record<string, number>;
/** writes an executable stub at file whose bytes hold Electron's default fuse wire */
export function writeStubElectron(file: string): void;
/** the fuses of a binary as electronFuses keys → true/false */
export function readFuses(binary: string): Promise<Record<string, boolean>>;
/** each configured fuse the binary does not have as configured, said in words; empty when all match */
export function fuseMismatches(binary: string, electronFuses: object): Promise<string[]>;
