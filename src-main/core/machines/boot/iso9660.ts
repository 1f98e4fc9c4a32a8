// A minimal ISO9660 writer (one root directory, small files) with a Joliet tree so names like
// `user-data` survive exactly. Why hand-written: the cloud-init seed must be made in-process on
// Windows/macOS/Linux without mkisofs/genisoimage/xorriso, and no maintained npm package writes
// ISO9660 (the npm packages found only read ISOs or shell out to mkisofs). Lima made the same choice
// for its cidata.iso. The format is ECMA-119 (+ Joliet supplementary descriptor, UCS-2 names).
// Tests read the result back with Debian's `isoinfo` and `7z`.

const SECTOR = 2048;

export interface IsoFile {
  /** file name in the root directory, e.g. "user-data" (no folders) */
  name: string;
  data: Uint8Array | string;
}

export interface IsoOptions {
  /** volume label, e.g. "cidata" (at most 32 characters) */
  volumeId: string;
  date?: Date;
}

function both16(buf: Buffer, off: number, v: number): void {
  buf.writeUInt16LE(v, off);
  buf.writeUInt16BE(v, off + 2);
}
function both32(buf: Buffer, off: number, v: number): void {
  buf.writeUInt32LE(v, off);
  buf.writeUInt32BE(v, off + 4);
}
function padAscii(buf: Buffer, off: number, len: number, s: string): void {
  buf.fill(0x20, off, off + len);
  buf.write(s.slice(0, len), off, 'ascii');
}
function padUcs2(buf: Buffer, off: number, len: number, s: string): void {
  // Joliet text fields are UCS-2 big-endian, padded with UCS-2 spaces (0x00 0x20)
  for (let i = 0; i + 1 < len; i += 2) buf.writeUInt16BE(0x20, off + i);
  const enc = ucs2be(s);
  enc.copy(buf, off, 0, Math.min(enc.length, len - (len % 2)));
}
function ucs2be(s: string): Buffer {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return b;
}
function decDate(d: Date): Buffer {
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  const s = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1, 2)}${p(d.getUTCDate(), 2)}${p(d.getUTCHours(), 2)}${p(d.getUTCMinutes(), 2)}${p(d.getUTCSeconds(), 2)}00`;
  const b = Buffer.alloc(17);
  b.write(s, 0, 'ascii');
  b[16] = 0; // GMT offset in 15 min units
  return b;
}
function recDate(d: Date): Buffer {
  return Buffer.from([d.getUTCFullYear() - 1900, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0]);
}

function dirRecord(name: Buffer, extent: number, size: number, isDir: boolean, date: Date): Buffer {
  const len = 33 + name.length + (name.length % 2 === 0 ? 1 : 0);
  const r = Buffer.alloc(len);
  r[0] = len;
  r[1] = 0;
  both32(r, 2, extent);
  both32(r, 10, size);
  recDate(date).copy(r, 18);
  r[25] = isDir ? 2 : 0;
  both16(r, 28, 1);
  r[32] = name.length;
  name.copy(r, 33);
  return r;
}

/** Primary-tree name: ISO9660 level 2 d-characters, upper case, with version ";1". */
export function primaryName(name: string): string {
  const dot = name.lastIndexOf('.');
  const base = (dot > 0 ? name.slice(0, dot) : name).toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const ext = (dot > 0 ? name.slice(dot + 1) : '').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return `${base.slice(0, 30 - ext.length - 1)}.${ext};1`;
}

/** Builds the whole image in memory (seed volumes are a few kilobytes). */
export function buildIso(files: IsoFile[], opts: IsoOptions): Buffer {
  if (opts.volumeId.length === 0 || opts.volumeId.length > 32) throw new Error(`ISO volume id "${opts.volumeId}" must be 1 to 32 characters`);
  const seen = new Set<string>();
  for (const f of files) {
    if (!f.name || f.name.includes('/') || f.name.length > 64) throw new Error(`ISO file name "${f.name}" must be a plain name of at most 64 characters`);
    if (seen.has(f.name)) throw new Error(`ISO file name "${f.name}" is given twice`);
    seen.add(f.name);
  }
  const date = opts.date ?? new Date();
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const datas = sorted.map((f) => (typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : Buffer.from(f.data)));

  // layout: 0-15 system area, 16 PVD, 17 Joliet SVD, 18 terminator, 19-22 path tables, 23/24 roots, 25+ data
  const L_PRI = 19, M_PRI = 20, L_JOL = 21, M_JOL = 22, ROOT_PRI = 23, ROOT_JOL = 24;
  let next = 25;
  const extents = datas.map((d) => {
    const at = next;
    next += Math.max(1, Math.ceil(d.length / SECTOR));
    return at;
  });
  const total = next;

  const buildRoot = (self: number, joliet: boolean): Buffer => {
    const recs = [dirRecord(Buffer.from([0]), self, SECTOR, true, date), dirRecord(Buffer.from([1]), self, SECTOR, true, date)];
    sorted.forEach((f, i) => {
      const nm = joliet ? ucs2be(f.name) : Buffer.from(primaryName(f.name), 'ascii');
      recs.push(dirRecord(nm, extents[i]!, datas[i]!.length, false, date));
    });
    const body = Buffer.concat(recs);
    if (body.length > SECTOR) throw new Error('too many files for a one-sector ISO root directory');
    const out = Buffer.alloc(SECTOR);
    body.copy(out);
    return out;
  };

  const pathTable = (rootExtent: number, bigEndian: boolean): Buffer => {
    const t = Buffer.alloc(SECTOR);
    t[0] = 1;
    t[1] = 0;
    if (bigEndian) t.writeUInt32BE(rootExtent, 2);
    else t.writeUInt32LE(rootExtent, 2);
    if (bigEndian) t.writeUInt16BE(1, 6);
    else t.writeUInt16LE(1, 6);
    t[8] = 0;
    return t;
  };

  const descriptor = (joliet: boolean): Buffer => {
    const d = Buffer.alloc(SECTOR);
    d[0] = joliet ? 2 : 1;
    d.write('CD001', 1, 'ascii');
    d[6] = 1;
    const text = joliet ? padUcs2 : padAscii;
    text(d, 8, 32, '');
    text(d, 40, 32, opts.volumeId);
    both32(d, 80, total);
    if (joliet) d.write('%/E', 88, 'ascii'); // UCS-2 level 3
    both16(d, 120, 1);
    both16(d, 124, 1);
    both16(d, 128, SECTOR);
    both32(d, 132, 10); // path table size: root only
    d.writeUInt32LE(joliet ? L_JOL : L_PRI, 140);
    d.writeUInt32BE(joliet ? M_JOL : M_PRI, 148);
    dirRecord(Buffer.from([0]), joliet ? ROOT_JOL : ROOT_PRI, SECTOR, true, date).copy(d, 156);
    text(d, 190, 128, '');
    text(d, 318, 128, '');
    text(d, 446, 128, '');
    text(d, 574, 128, 'FLOTILLA');
    text(d, 702, 37, '');
    text(d, 739, 37, '');
    text(d, 776, 37, '');
    decDate(date).copy(d, 813);
    decDate(date).copy(d, 830);
    Buffer.from('0000000000000000\0', 'ascii').copy(d, 847);
    Buffer.from('0000000000000000\0', 'ascii').copy(d, 864);
    d[881] = 1;
    return d;
  };

  const img = Buffer.alloc(total * SECTOR);
  descriptor(false).copy(img, 16 * SECTOR);
  descriptor(true).copy(img, 17 * SECTOR);
  const term = Buffer.alloc(SECTOR);
  term[0] = 255;
  term.write('CD001', 1, 'ascii');
  term[6] = 1;
  term.copy(img, 18 * SECTOR);
  pathTable(ROOT_PRI, false).copy(img, L_PRI * SECTOR);
  pathTable(ROOT_PRI, true).copy(img, M_PRI * SECTOR);
  pathTable(ROOT_JOL, false).copy(img, L_JOL * SECTOR);
  pathTable(ROOT_JOL, true).copy(img, M_JOL * SECTOR);
  buildRoot(ROOT_PRI, false).copy(img, ROOT_PRI * SECTOR);
  buildRoot(ROOT_JOL, true).copy(img, ROOT_JOL * SECTOR);
  datas.forEach((d, i) => d.copy(img, extents[i]! * SECTOR));
  return img;
}
