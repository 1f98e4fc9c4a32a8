// The swarm verbs; filled in by the swarm work.
import type { Command } from 'commander';

export function registerSwarm(_program: Command): void {}
