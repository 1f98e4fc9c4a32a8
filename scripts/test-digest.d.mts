// Types for scripts/test-digest.mjs (a plain script run by `npm test`; imported by test/unit/test-digest.test.ts).
export interface ReportFile {
  kind: 'vitest' | 'playwright';
  file: string;
  label: string;
}
export function firstLine(message: unknown, max?: number): string;
export function playwrightFailures(report: unknown): string[];
export function digest(files: ReportFile[]): string[];
