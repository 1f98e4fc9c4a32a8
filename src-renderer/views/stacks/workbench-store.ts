// The stack being edited: the compose text, the variables and attached files the person set, and what the
// host said about it (diagnostics, plan, deploy progress, history). Kept in a store so switching views
// keeps the work. Validation is debounced and the stale request cancelled; nothing here polls.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlotillaApi } from '../../api/client';
import type { HistoryEntry, PlanItem, StackDiagnostic, StackEvent } from '../../../src-main/api/domains/stacks';
import type { StreamHandlers } from '../../api/client';
import type { z } from 'zod';
import { applyDeployEvent, failRun, startRun, type DeployRun } from './deploy-progress';

export type Panel = 'problems' | 'variables' | 'files' | 'plan' | 'deploy' | 'history';

export interface Attachment {
  /** the file's own name, as picked */
  name: string;
  size: number;
  base64: string;
}

export interface WorkbenchDoc {
  /** the compose file's name (what download saves as) */
  fileName: string;
  content: string;
  /** the stack name deploys go to */
  stack: string;
  /** the deployed stack this document came from, if any */
  from?: { stack: string; history?: number };
}

export interface Validation {
  status: 'idle' | 'checking' | 'done' | 'error';
  diagnostics: StackDiagnostic[];
  /** variables with the values the loader used */
  used: Record<string, string>;
  version?: string;
  /** the text the diagnostics are for */
  content?: string;
  error?: string;
}

export interface PlanState {
  status: 'idle' | 'running' | 'done' | 'error';
  items: Array<z.infer<typeof PlanItem>>;
  diagnostics: StackDiagnostic[];
  error?: string;
  /** the text the plan is for (the plan goes stale when the text changes) */
  content?: string;
}

export interface HistoryState {
  stack?: string;
  status: 'idle' | 'loading' | 'done' | 'error';
  entries: Array<z.infer<typeof HistoryEntry>>;
  diff?: { a: number; b: number; text: string };
  error?: string;
}

export interface WorkbenchState {
  engineId?: string;
  doc?: WorkbenchDoc;
  values: Record<string, string>;
  attachments: Record<string, Attachment>;
  resolveImage: 'always' | 'changed' | 'never';
  prune: boolean;
  validation: Validation;
  plan: PlanState;
  run?: DeployRun;
  history: HistoryState;
  panel: Panel;
  notice?: string;

  setEngine(engineId: string | undefined): void;
  open(doc: WorkbenchDoc): void;
  close(): void;
  edit(content: string): void;
  rename(patch: Partial<Pick<WorkbenchDoc, 'stack' | 'fileName'>>): void;
  setValue(name: string, value: string | undefined): void;
  attach(path: string, a: Attachment | undefined): void;
  setOptions(o: Partial<Pick<WorkbenchState, 'resolveImage' | 'prune'>>): void;
  setPanel(p: Panel): void;
  validateNow(): Promise<void>;
  runPlan(): Promise<void>;
  deploy(): void;
  rollback(stack: string, to: number): void;
  stopRun(): void;
  loadHistory(stack: string): Promise<void>;
  showDiff(stack: string, a: number, b: number): Promise<void>;
  openDeployment(stack: string, n: number): Promise<void>;
}

export const STARTER = `# A new stack: edit it, Plan (Ctrl+Enter) to see what would change, then Deploy.
version: "3.9"

services:
  web:
    image: nginx:alpine
    ports:
      - "8080:80"
    deploy:
      replicas: 2
`;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createWorkbenchStore(api: FlotillaApi, debounceMs = 300): StoreApi<WorkbenchState> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The values each deployment made from this window used, by engine/stack/n: history keeps only names and hashes,
   * so these (in this window's memory only, never written anywhere) re-fill the Variables panel and go with a rollback
   */
  const deployedValues = new Map<string, Record<string, string>>();
  const deployedKey = (engineId: string, stack: string, n: number) => `${engineId}\n${stack}\n${n}`;
  let validating: AbortController | undefined;
  let stopStream: (() => void) | undefined;

  return createStore<WorkbenchState>((set, get) => {
    const files = () => {
      const { doc, values, attachments } = get();
      if (!doc) throw new Error('no stack is open');
      return {
        files: [{ file: doc.fileName, content: doc.content }],
        variables: values,
        dotEnv: false,
        attachments: Object.fromEntries(Object.entries(attachments).map(([k, a]) => [k, a.base64])),
      };
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void get().validateNow(), debounceMs);
    };
    const stream = (kind: DeployRun['kind'], stack: string, values: Record<string, string>, subscribe: (h: StreamHandlers<StackEvent>) => () => void) => {
      stopStream?.();
      set({ run: startRun(kind, stack), panel: 'deploy' });
      const engineId = get().engineId;
      try {
        stopStream = subscribe({
          onEvent: (e) => {
            if (e.type === 'done' && engineId) deployedValues.set(deployedKey(engineId, stack, e.history), values);
            const run = get().run;
            if (run) set({ run: applyDeployEvent(run, e) });
          },
          onError: (e) => {
            stopStream = undefined;
            const run = get().run;
            if (run) set({ run: failRun(run, e.message) });
          },
          onEnd: () => {
            stopStream = undefined;
            const run = get().run;
            if (run?.status === 'running')
              set({
                run: failRun(run, 'the deploy stream ended before the services converged'),
              });
            void get().loadHistory(stack);
          },
        });
      } catch (e) {
        const run = get().run;
        if (run) set({ run: failRun(run, errText(e)) });
      }
    };

    return {
      values: {},
      attachments: {},
      resolveImage: 'always',
      prune: false,
      validation: { status: 'idle', diagnostics: [], used: {} },
      plan: { status: 'idle', items: [], diagnostics: [] },
      history: { status: 'idle', entries: [] },
      panel: 'problems',

      setEngine(engineId) {
        if (engineId !== get().engineId)
          set({
            engineId,
            history: { status: 'idle', entries: [] },
            plan: { status: 'idle', items: [], diagnostics: [] },
          });
      },
      open(doc) {
        set({
          doc,
          plan: { status: 'idle', items: [], diagnostics: [] },
          validation: { status: 'idle', diagnostics: [], used: {} },
          panel: 'problems',
          notice: undefined,
        });
        void get().validateNow();
        if (doc.from) void get().loadHistory(doc.from.stack);
      },
      close() {
        clearTimeout(timer);
        validating?.abort();
        set({ doc: undefined });
      },
      edit(content) {
        const doc = get().doc;
        if (!doc || doc.content === content) return;
        set({ doc: { ...doc, content } });
        schedule();
      },
      rename(patch) {
        const doc = get().doc;
        if (doc) set({ doc: { ...doc, ...patch } });
      },
      setValue(name, value) {
        const values = { ...get().values };
        if (value === undefined) delete values[name];
        else values[name] = value;
        set({ values });
        schedule();
      },
      attach(path, a) {
        const attachments = { ...get().attachments };
        if (a) attachments[path] = a;
        else delete attachments[path];
        set({ attachments });
      },
      setOptions(o) {
        set(o);
      },
      setPanel(panel) {
        set({ panel });
      },
      async validateNow() {
        clearTimeout(timer);
        const doc = get().doc;
        if (!doc) return;
        validating?.abort();
        const ctl = new AbortController();
        validating = ctl;
        set({ validation: { ...get().validation, status: 'checking' } });
        try {
          const r = await api.invoke('stacks.validate', files(), {
            signal: ctl.signal,
          });
          if (ctl.signal.aborted) return;
          set({
            validation: {
              status: 'done',
              diagnostics: r.diagnostics,
              used: r.variables,
              version: r.version,
              content: doc.content,
            },
          });
        } catch (e) {
          if (ctl.signal.aborted) return;
          set({
            validation: {
              status: 'error',
              diagnostics: [],
              used: {},
              error: errText(e),
              content: doc.content,
            },
          });
        }
      },
      async runPlan() {
        const { doc, engineId, prune } = get();
        if (!doc || !engineId) return;
        set({
          plan: {
            status: 'running',
            items: [],
            diagnostics: [],
            content: doc.content,
          },
          panel: 'plan',
        });
        try {
          const r = await api.invoke('stacks.plan', {
            engineId,
            stack: doc.stack,
            prune,
            ...files(),
          });
          set({
            plan: {
              status: 'done',
              items: r.items,
              diagnostics: r.diagnostics,
              content: doc.content,
            },
          });
        } catch (e) {
          set({
            plan: {
              status: 'error',
              items: [],
              diagnostics: [],
              error: errText(e),
              content: doc.content,
            },
          });
        }
      },
      deploy() {
        const { doc, engineId, prune, resolveImage } = get();
        if (!doc || !engineId) return;
        const input = {
          engineId,
          stack: doc.stack,
          prune,
          resolveImage,
          withRegistryAuth: false,
          wait: true,
          ...files(),
        };
        set({ doc: { ...doc, from: { stack: doc.stack } } });
        stream('deploy', doc.stack, input.variables, (h) => api.subscribe('stacks.deploy', input, h));
      },
      rollback(stack, to) {
        const engineId = get().engineId;
        if (!engineId) return;
        // the values deployment `to` used when this window made it, else the ones set now; the host checks each
        // against the hash it kept and names the ones that do not match
        const variables = { ...get().values, ...deployedValues.get(deployedKey(engineId, stack, to)) };
        stream('rollback', stack, variables, (h) => api.subscribe('stacks.rollback', { engineId, stack, to, wait: true, variables }, h));
      },
      stopRun() {
        stopStream?.();
        stopStream = undefined;
        const run = get().run;
        if (run?.status === 'running')
          set({
            run: failRun(run, 'stopped watching: the swarm keeps converging the services on its own'),
          });
      },
      async loadHistory(stack) {
        const engineId = get().engineId;
        if (!engineId) return;
        set({ history: { ...get().history, stack, status: 'loading' } });
        try {
          const r = await api.invoke('stacks.history', { engineId, stack });
          set({ history: { stack, status: 'done', entries: r.entries } });
        } catch (e) {
          set({
            history: { stack, status: 'error', entries: [], error: errText(e) },
          });
        }
      },
      async showDiff(stack, a, b) {
        const engineId = get().engineId;
        if (!engineId) return;
        try {
          const r = await api.invoke('stacks.history', {
            engineId,
            stack,
            diff: [a, b],
          });
          set({
            history: {
              stack,
              status: 'done',
              entries: r.entries,
              diff: { a, b, text: r.diff ?? '' },
            },
          });
        } catch (e) {
          set({ history: { ...get().history, error: errText(e) } });
        }
      },
      async openDeployment(stack, n) {
        const engineId = get().engineId;
        if (!engineId) return;
        try {
          const r = await api.invoke('stacks.history', {
            engineId,
            stack,
            show: n,
          });
          const entry = r.entries.find((e) => e.n === n);
          const first = r.files?.[0];
          if (!first) throw new Error(`deployment ${n} of ${stack} kept no compose file`);
          // history has only the names: the values this window deployed with, else the ones already set
          const remembered = deployedValues.get(deployedKey(engineId, stack, n));
          const current = get().values;
          set({ values: remembered ? { ...remembered } : Object.fromEntries((entry?.variables ?? []).filter((k) => current[k] !== undefined).map((k) => [k, current[k]])) });
          get().open({
            fileName: baseName(first.file),
            content: first.content,
            stack,
            from: { stack, history: n },
          });
          set({
            notice: r.files && r.files.length > 1 ? `deployment ${n} merged ${r.files.length} files; the editor shows the first (${first.file})` : undefined,
          });
        } catch (e) {
          set({ notice: errText(e) });
        }
      },
    };
  });
}

export function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || 'docker-compose.yml';
}
