// The stacks verbs; filled in by the stacks work.
import type { Command } from 'commander';

export function registerStacks(_program: Command): void {}
