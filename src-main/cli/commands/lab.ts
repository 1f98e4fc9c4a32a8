// PLACEHOLDER for the lab work: `flotilla lab up|down|status`.
import type { Command } from 'commander';

export function registerLab(_program: Command): void {}
