// Interactive terminals: SSH shells on machines and engine hosts, exec shells in containers. See README.md.
export type { TerminalChannel, TerminalExit, TerminalSize } from './channel';
export { TERM } from './channel';
export { TerminalRegistry, OutputBatcher } from './registry';
export { machineShell, engineHostShell, openShellChannel } from './ssh-shell';
export { execShell, execCommand, DEFAULT_EXEC_SHELL } from './exec-shell';
