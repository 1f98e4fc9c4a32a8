// A colour per task for the line prefix: stable for a task id (a hash into a palette that reads on both
// themes), so a task keeps its colour across reconnects and in every view.
const PALETTE = ['#2f80ed', '#e5484d', '#30a46c', '#f76808', '#8e4ec6', '#0d9488', '#d6409f', '#a18072', '#3e63dd', '#ca8a04', '#12a594', '#e54666'];

/** the palette index of a task (logs.css has a .tc-N class per index) */
export function taskTone(taskId: string): number {
  let h = 2166136261;
  for (let i = 0; i < taskId.length; i++) {
    h ^= taskId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % PALETTE.length;
}

