// The machines verbs; filled in by the machines work.
import type { Command } from 'commander';

export function registerMachines(_program: Command): void {}
