// Interactive terminals: SSH shells on machines and engine hosts, exec shells in containers. See README.md.
export type { TerminalChannel, TerminalSize } from './channel';
export { TerminalRegistry, OutputBatcher } from './registry';
export { machineShell, engineHostShell } from './ssh-shell';
export { execShell } from './exec-shell';
