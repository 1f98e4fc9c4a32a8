// The docker CLI's number text (go-units and Go's %g), for output that must read as docker's: `flotilla stats`.
// Hand-written: a few lines each that must match Go's formatting exactly, which no JS library promises.

/** Go's `%.{p}g`: shortest of fixed and exponent form, trailing zeros dropped, exponent at least two digits. */
export function goG(x: number, p: number): string {
  const e = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(x.toPrecision(p)))));
  if (e < -4 || e >= p) {
    const [m, exp] = x.toExponential(p - 1).split('e');
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(exp);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, p - 1 - e));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function scaled(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]];
}

/** go-units BytesSize: binary units, 4 significant digits ("1.5MiB", "7.637GiB"), as docker's MEM USAGE / LIMIT. */
export function bytesSize(n: number): string {
  const [v, u] = scaled(n, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']);
  return goG(v, 4) + u;
}

/** go-units HumanSizeWithPrecision(n, 3): decimal units ("1.23kB", "456B"), as docker's NET I/O and BLOCK I/O. */
export function humanSize(n: number): string {
  const [v, u] = scaled(n, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']);
  return goG(v, 3) + u;
}

/** docker's "%.2f%%" */
export function percent(x: number): string {
  return `${x.toFixed(2)}%`;
}
