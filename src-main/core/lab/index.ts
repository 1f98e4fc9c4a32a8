// PLACEHOLDER for the lab work (issue: foundation, item 7).
import type { LabNode } from '../../api/domains/lab';

export interface LabOptions {
  /** lab name: containers are <name>-n1..nN, network <name> (default "flab") */
  name?: string;
  nodes: number;
}

export async function labStatus(_name = 'flab'): Promise<LabNode[]> {
  return [];
}
