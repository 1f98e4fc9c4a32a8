// Live CPU and memory bars: a node's (Board column header, Cluster row) and a task's (Board card, behind a toggle).
// Pure in their props; the views connect them to the stats store, each bar to its own slice, so a new sample
// re-renders the bars and nothing around them.
import type { ReactElement } from 'react';
import type { NodeStats, TaskStats } from '../../../src-main/api/domains/stats';
import { formatMemory } from '../format-memory';
import './resource-bars.css';

const toneOf = (f: number): string => (f >= 0.9 ? 'err' : f >= 0.7 ? 'warn' : 'ok');
const clamp = (f: number): number => (Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0);

/** memory as the rest of the window prints it, but a task's few hundred KiB not rounded to "0 MiB" */
function mem(bytes: number): string {
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} KiB`;
  return formatMemory(bytes);
}

/** decimal sizes as docker's NET I/O and BLOCK I/O print them */
function size(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i ? n.toPrecision(3) : Math.round(n)}${units[i]}`;
}

export function Meter({ label, fraction, text, title, kind }: { label: string; fraction: number; text: string; title: string; kind: 'cpu' | 'mem' }): ReactElement {
  const f = clamp(fraction);
  return (
    <div className="meter" title={title} data-testid={`meter-${kind}`} data-value={Math.round(f * 1000) / 10}>
      <span className="meter-label">{label}</span>
      <div className="meter-track" role="meter" aria-label={`${label} ${text}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(f * 100)}>
        <div className={`meter-fill tone-${toneOf(f)}`} style={{ width: `${f * 100}%` }} />
      </div>
      <span className="meter-text">{text}</span>
    </div>
  );
}

/** a node's CPU (its tasks' CPU % summed, against its CPUs) and memory (its tasks' used memory, against its total) */
export function NodeBars({ stats: n, error }: { stats?: NodeStats; error?: string }): ReactElement {
  if (n?.error && n.tasks.every((t) => !t.sampled))
    return (
      <div className="res-bars pending" data-testid="node-bars" data-state="error" title={n.error}>
        no contact with its engine
      </div>
    );
  if (!n)
    return (
      <div className="res-bars pending" data-testid="node-bars" data-state={error ? 'error' : 'waiting'} title={error}>
        {error ? 'resources unavailable' : 'reading resources…'}
      </div>
    );
  const cpuOf = n.cpus ? n.cpuPercent / (n.cpus * 100) : 0;
  const io = `net ${size(n.netRxBytes)} in / ${size(n.netTxBytes)} out · block ${size(n.blockReadBytes)} read / ${size(n.blockWriteBytes)} written`;
  return (
    <div className="res-bars" data-testid="node-bars" data-state="live" title={n.error}>
      <Meter
        kind="cpu"
        label="CPU"
        fraction={cpuOf}
        text={`${Math.round(cpuOf * 100)}%`}
        title={`CPU: its ${n.tasks.length} running tasks use ${n.cpuPercent.toFixed(1)}% (docker stats, summed; 100% = one CPU) of ${n.cpus} CPUs\n${io}`}
      />
      <Meter
        kind="mem"
        label="MEM"
        fraction={n.memoryTotalBytes ? n.memoryUsedBytes / n.memoryTotalBytes : 0}
        text={`${mem(n.memoryUsedBytes)} / ${formatMemory(n.memoryTotalBytes)}`}
        title={`memory: its running tasks use ${mem(n.memoryUsedBytes)} of ${formatMemory(n.memoryTotalBytes)}\n${io}`}
      />
    </div>
  );
}

/** a task's CPU (100% = one CPU) and memory (against its limit), on its card when the toggle is on */
export function TaskBars({ stats: t }: { stats?: TaskStats }): ReactElement | null {
  if (!t) return null;
  return (
    <div className="res-bars task" data-testid="task-bars">
      <Meter kind="cpu" label="CPU" fraction={t.cpuPercent / 100} text={`${t.cpuPercent.toFixed(1)}%`} title={`CPU ${t.cpuPercent.toFixed(2)}% (docker stats: 100% = one CPU) · ${t.pids} processes`} />
      <Meter
        kind="mem"
        label="MEM"
        fraction={t.memoryPercent / 100}
        text={mem(t.memoryBytes)}
        title={`memory ${mem(t.memoryBytes)} of ${formatMemory(t.memoryLimitBytes)} (${t.memoryPercent.toFixed(2)}%)\nnet ${size(t.netRxBytes)} / ${size(t.netTxBytes)} · block ${size(t.blockReadBytes)} / ${size(t.blockWriteBytes)}`}
      />
    </div>
  );
}

/** the Board's toggle for the bars on task cards */
export function StatsToggle({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }): ReactElement {
  return (
    <label className="check stats-toggle" title="show each running task's CPU and memory on its card">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid="stats-toggle" /> Resources on cards
    </label>
  );
}
