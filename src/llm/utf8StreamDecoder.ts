import { isUtf8 } from 'node:buffer';

/** Non-streaming decodes take Node's fast path (simdutf); streaming ones go through ICU, several times slower per byte. */
const whole = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes of the sequence that lead byte `b` starts; 0 for a byte no valid sequence starts with. */
function sequenceLength(b: number): number {
  return b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
}

/** The second byte's range after a lead byte, as in the WHATWG UTF-8 decoder (no overlongs, surrogates or > U+10FFFF). */
function validSecond(lead: number, b: number): boolean {
  const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  return b >= low && b <= high;
}

/**
 * Where a character cut off by the end of `bytes` starts: the start of a trailing valid but unfinished
 * sequence (what a streaming decoder holds back), else bytes.length.
 */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i];
    if (b < 0x80) return n;
    if (b < 0xc0) continue;
    const length = sequenceLength(b);
    if (n - i >= length) return n;
    return i + 1 === n || validSecond(b, bytes[i + 1]) ? i : n;
  }
  return n;
}

/**
 * `new TextDecoder('utf-8')` with `{ stream: true }`, output for output, but at the speed of a non-streaming
 * decode: each chunk is decoded up to its last complete character and the 1–3 bytes of a character cut off
 * at its end wait for the next chunk. Valid UTF-8 decodes the same whatever the decoder; at the first invalid
 * byte the rest of the stream goes through a real streaming TextDecoder (started where everything before
 * was complete characters), so replacement characters come out exactly as it places them. The BOM is
 * dropped as TextDecoder drops it: only as the first character of a stream.
 */
export class Utf8StreamDecoder {
  private carry: Uint8Array | undefined;
  private exact: TextDecoder | undefined;
  private started = false;

  decode(bytes: Uint8Array = new Uint8Array(0), options: { stream?: boolean } = {}): string {
    const stream = options.stream === true;
    if (this.exact) {
      const text = this.exact.decode(bytes, { stream });
      if (!stream) this.reset();
      return text;
    }
    let input = bytes;
    if (this.carry) {
      input = new Uint8Array(this.carry.length + bytes.length);
      input.set(this.carry);
      input.set(bytes, this.carry.length);
      this.carry = undefined;
    }
    const end = stream ? completeLength(input) : input.length;
    const head = end === input.length ? input : input.subarray(0, end);
    if (!isUtf8(head)) {
      // TextDecoder drops a BOM only while it has output nothing: a fresh one must drop it only in that case too.
      this.exact = new TextDecoder('utf-8', { ignoreBOM: this.started });
      const text = this.exact.decode(input, { stream });
      if (!stream) this.reset();
      return text;
    }
    if (end < input.length) this.carry = input.slice(end);
    let text = head.length ? whole.decode(head) : '';
    if (!this.started && text) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!stream) this.reset();
    return text;
  }

  private reset(): void {
    this.carry = undefined;
    this.exact = undefined;
    this.started = false;
  }
}
