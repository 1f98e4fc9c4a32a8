// One terminal: an xterm bound to one 'terminals.open' stream. Output bytes are decoded as a UTF-8
// stream (characters split across chunks stay whole); keystrokes and pastes go out with 'terminals.write'
// in order; the fit add-on sizes it to its box and every size change is sent with 'terminals.resize'.
// Unmounting disposes the stream, which closes the channel on the host.
import { useEffect, useRef, type ReactElement } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { api } from '../../api';
import { MAX_WRITE, type TerminalTarget } from '../../../src-main/api/domains/terminals';
import { base64ToBytes, splitForWrite, Utf8Stream } from './bytes';
import { themeFromCss } from './xterm-theme';

export type PaneStatus = { state: 'connecting' } | { state: 'open'; title: string } | { state: 'exited'; code: number } | { state: 'error'; message: string };

export function TerminalPane(props: { target: TerminalTarget; active: boolean; onStatus(s: PaneStatus): void }): ReactElement {
  const box = useRef<HTMLDivElement>(null);
  const termRef = useRef<{ term: Terminal; fit: () => void } | undefined>(undefined);
  const onStatus = useRef(props.onStatus);
  onStatus.current = props.onStatus;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const term = new Terminal({
      fontFamily: css.getPropertyValue('--mono').trim() || 'monospace',
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme: themeFromCss(css),
      rightClickSelectsWord: true,
    });
    const fitAddon = new FitAddon();
    term.loadAddon(fitAddon);
    term.open(el);
    const fit = (): void => {
      if (el.offsetParent === null) return; // hidden tab: fit when it shows
      try {
        fitAddon.fit();
      } catch {
        /* not laid out yet */
      }
    };
    fit();
    termRef.current = { term, fit };

    let id: string | undefined;
    let live = true;
    const decoder = new Utf8Stream();
    const queued: string[] = [];
    const send = (data: string): void => {
      if (!id) {
        queued.push(data);
        return;
      }
      const sessionId = id;
      for (const part of splitForWrite(data, MAX_WRITE)) {
        api.invoke('terminals.write', { id: sessionId, data: part }).catch(() => undefined);
      }
    };

    const dispose = api.subscribe(
      'terminals.open',
      { target: props.target, cols: term.cols, rows: term.rows },
      {
        onEvent: (e) => {
          if (e.type === 'opened') {
            id = e.id;
            onStatus.current({ state: 'open', title: e.title });
            for (const d of queued.splice(0)) send(d);
            // the box may have changed size while the channel opened
            void api.invoke('terminals.resize', { id, cols: term.cols, rows: term.rows }).catch(() => undefined);
          } else if (e.type === 'data') {
            term.write(decoder.decode(base64ToBytes(e.data)));
          } else {
            term.write(decoder.end());
            term.write(`\r\n\x1b[2m[the shell ended${e.code >= 0 ? ` with exit code ${e.code}` : ''}; close this tab or open a new terminal]\x1b[0m\r\n`);
            live = false;
            id = undefined;
            onStatus.current({ state: 'exited', code: e.code });
          }
        },
        onError: (err) => {
          live = false;
          id = undefined;
          term.write(`\r\n\x1b[31m${err.message}\x1b[0m\r\n`);
          onStatus.current({ state: 'error', message: err.message });
        },
        onEnd: () => {
          live = false;
          id = undefined;
        },
      },
    );

    const dataSub = term.onData((d) => live && send(d));
    const binSub = term.onBinary((d) => live && send(d));
    const resizeSub = term.onResize(({ cols, rows }) => {
      if (id) void api.invoke('terminals.resize', { id, cols, rows }).catch(() => undefined);
    });
    // copy and paste: Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays an interrupt); the browser's own paste also works
    term.attachCustomKeyEventHandler((ev) => {
      if (ev.type !== 'keydown' || !ev.ctrlKey || !ev.shiftKey) return true;
      const k = ev.key.toLowerCase();
      // xterm skips a key the handler refuses but the browser does not: its own Ctrl+Shift+V (paste as
      // plain text) would paste a second time
      if (k === 'c' || k === 'v') ev.preventDefault();
      if (k === 'c') {
        const sel = term.getSelection();
        if (sel) void navigator.clipboard?.writeText(sel).catch(() => undefined);
        return false;
      }
      if (k === 'v') {
        void navigator.clipboard
          ?.readText()
          .then((t) => term.paste(t))
          .catch(() => undefined);
        return false;
      }
      return true;
    });

    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => fit()) : undefined;
    ro?.observe(el);
    const retheme = (): void => {
      term.options.theme = themeFromCss();
    };
    const mo = new MutationObserver(retheme);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    mq?.addEventListener('change', retheme);

    return () => {
      dispose();
      dataSub.dispose();
      binSub.dispose();
      resizeSub.dispose();
      ro?.disconnect();
      mo.disconnect();
      mq?.removeEventListener('change', retheme);
      term.dispose();
      termRef.current = undefined;
    };
    // one terminal per mount: the target never changes for a pane (a new target is a new tab)
  }, []);

  useEffect(() => {
    if (!props.active) return;
    const t = termRef.current;
    // after the tab shows: size it to its box and give it the keyboard
    const raf = requestAnimationFrame(() => {
      t?.fit();
      t?.term.focus();
    });
    return () => cancelAnimationFrame(raf);
  }, [props.active]);

  return <div className="term-box" ref={box} data-testid="terminal" />;
}
