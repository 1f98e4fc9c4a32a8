// vitest globalSetup of the "integration" project: brings the shared lab up once per run and hands its
// nodes to the test files (inject('lab')). Environment:
//   FLOTILLA_LAB_NAME (default flab), FLOTILLA_LAB_SUBNET (default: the lab's own), FLOTILLA_LAB_NODES (default 3),
//   FLOTILLA_REQUIRE_LAB=1: a lab that cannot start fails the run (CI); otherwise lab tests skip with the reason.
// The lab is left running afterwards (the next run reuses it in seconds); `flotilla lab down` removes it.
import type { TestProject } from 'vitest/node';
import type { LabNode } from '../../src-main/api/domains/lab';
import { labUp } from '../../src-main/core/lab';
import './node20-polyfills';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the running lab's nodes, node 1 first; [] when the lab could not start */
    lab: LabNode[];
    /** why the lab could not start ('' when it runs) */
    labError: string;
    /** the lab's name (FLOTILLA_LAB_NAME, default flab) */
    labName: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const name = process.env.FLOTILLA_LAB_NAME || 'flab';
  const nodes = Number(process.env.FLOTILLA_LAB_NODES || 3);
  const subnet = process.env.FLOTILLA_LAB_SUBNET || undefined;
  const started = Date.now();
  project.provide('labName', name);
  try {
    const lab = await labUp({ name, nodes, subnet, onProgress: (l) => process.stderr.write(`[lab ${name}] ${l}\n`) });
    process.stderr.write(`[lab ${name}] ${lab.length} nodes ready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    project.provide('lab', lab);
    project.provide('labError', '');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (process.env.FLOTILLA_REQUIRE_LAB === '1') throw new Error(`the lab "${name}" could not start and FLOTILLA_REQUIRE_LAB=1 requires it: ${msg}`, { cause: e });
    process.stderr.write(`[lab ${name}] could not start, lab tests will be skipped: ${msg}\n`);
    project.provide('lab', []);
    project.provide('labError', msg);
  }
}
