// The compose editor (Monaco, loaded lazily): the text, Flotilla's diagnostics as markers at their line and
// column, the compose schema for completion and hover, the app's theme, and the editor's shortcuts.
import { useEffect, useRef, type ReactElement } from 'react';
import { applyEditorTheme, monaco, setComposeSchema } from './monaco-setup';
import { markerRange, schemaFor, versionOf } from './compose-text';
import { onReveal, useWorkbench, workbench } from './stacks-store';
import { onFileDrop } from '../../components/drop-guard';
import { openText } from './stack-actions';

const SEVERITY = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
} as const;
let modelSeq = 0;

export interface EditorCommands {
  save(): void;
  plan(): void;
  open(): void;
}

export default function ComposeEditor(props: { commands: EditorCommands }): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | undefined>(undefined);
  const commands = useRef(props.commands);
  commands.current = props.commands;
  const fileName = useWorkbench((s) => s.doc?.fileName ?? 'docker-compose.yml');
  const content = useWorkbench((s) => s.doc?.content ?? '');
  const validation = useWorkbench((s) => s.validation);

  // one editor and one model for the view's life
  useEffect(() => {
    if (!host.current) return;
    const uri = monaco.Uri.parse(`file:///flotilla/stack-${++modelSeq}/${encodeURIComponent(workbench.getState().doc?.fileName ?? 'docker-compose.yml')}`);
    const model = monaco.editor.createModel(workbench.getState().doc?.content ?? '', 'yaml', uri);
    applyEditorTheme();
    const editor = monaco.editor.create(host.current, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      insertSpaces: true,
      scrollBeyondLastLine: false,
      renderLineHighlight: 'line',
      glyphMargin: true,
      fixedOverflowWidgets: true,
      quickSuggestions: { other: true, comments: false, strings: true },
      ariaLabel: 'compose file editor',
    });
    editorRef.current = editor;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => commands.current.save());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => commands.current.plan());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyO, () => commands.current.open());
    const sub = model.onDidChangeContent(() => workbench.getState().edit(model.getValue()));
    setComposeSchema(uri.toString(), schemaFor(versionOf(model.getValue())));

    // the editor follows the app theme (data-theme on <html>) and the system one
    const retheme = (): void => void applyEditorTheme();
    const mo = new MutationObserver(retheme);
    mo.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', retheme);
    const offReveal = onReveal((line, column) => {
      editor.revealLineInCenterIfOutsideViewport(line);
      editor.setPosition({ lineNumber: line, column });
      editor.focus();
    });
    // a compose file dropped on the editor is read and opened, never navigated to
    const offDrop = onFileDrop(host.current, openText, (notice) => workbench.setState({ notice }));
    editor.focus();
    return () => {
      offDrop();
      offReveal();
      mo.disconnect();
      mq.removeEventListener('change', retheme);
      sub.dispose();
      editor.dispose();
      model.dispose();
      editorRef.current = undefined;
    };
  }, []);

  // text replaced from outside (open file, open a deployment): keep the editor in step
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== content) model.setValue(content);
  }, [content]);

  // the schema follows the file's version
  const schema = schemaFor(versionOf(content));
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) setComposeSchema(model.uri.toString(), schema);
  }, [schema]);

  // Flotilla's diagnostics as markers on this file
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const text = model.getValue();
    const markers = validation.diagnostics
      .filter((d) => d.file === fileName || d.file.endsWith(`/${fileName}`) || d.file === '')
      .map((d) => {
        const r = markerRange(d, text);
        return {
          ...r,
          severity: SEVERITY[d.severity],
          source: 'flotilla',
          code: d.path || undefined,
        };
      });
    monaco.editor.setModelMarkers(model, 'flotilla', markers);
  }, [validation, fileName]);

  return <div className="compose-editor" ref={host} data-testid="compose-editor" data-schema={schema} />;
}
