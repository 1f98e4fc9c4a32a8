// Bytes between the terminal channel and xterm. Output arrives as base64 chunks cut anywhere, so a
// UTF-8 character may straddle two chunks: a streaming TextDecoder holds the partial bytes until the
// rest arrives. Input goes out in pieces the contract accepts (MAX_WRITE), never cutting a surrogate pair.

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Decodes a byte stream chunk by chunk; characters split across chunks come out whole. */
export class Utf8Stream {
  private readonly decoder = new TextDecoder('utf-8');
  decode(chunk: Uint8Array): string {
    return this.decoder.decode(chunk, { stream: true });
  }
  /** what is left at the end (a truncated character becomes U+FFFD) */
  end(): string {
    return this.decoder.decode();
  }
}

/** Splits text into pieces of at most `max` UTF-16 units, never between the halves of a surrogate pair. */
export function splitForWrite(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + max);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep a high surrogate with its low half
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
