// Shared types of the stacks module: diagnostics (what the editor and CLI show) and the loaded compose model.

export type Severity = 'error' | 'warning' | 'info';

/** One finding about a compose file, positioned so an editor can underline it. */
export interface Diagnostic {
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  /** dotted path as the docker CLI names fields: services.web.ports.0 */
  path: string;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Dict = { [k: string]: Json };

export interface Position {
  line: number;
  column: number;
}

/** One compose file as given: a name (for messages) and its text. */
export interface ComposeSource {
  file: string;
  content: string;
}

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
