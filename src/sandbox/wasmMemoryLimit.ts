/**
 * Caps a WebAssembly module's own linear memory by rewriting the maximum in its memory section, so that
 * a program in the interpreter cannot grow memory past `maxBytes` (it gets a MemoryError / allocation
 * failure instead). Pyodide exports its memory (created from the module's memory section, not imported),
 * so the maximum can only be set here, in the binary, before compiling it. Pure: returns a new array.
 * Format: WebAssembly core spec §5.5.8 (memory section), §5.3.8 (limits), §5.2.2 (LEB128).
 */

const PAGE = 65536;
const MEMORY_SECTION = 5;

function readU32(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let i = offset;
  for (;;) {
    if (i >= bytes.length) throw new Error('wasm: truncated LEB128');
    const byte = bytes[i++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    if (shift > 35) throw new Error('wasm: LEB128 too long');
  }
  return { value, next: i };
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export interface MemoryLimits {
  initialPages: number;
  maximumPages?: number;
  shared: boolean;
  memory64: boolean;
}

/** The limits of the module's first own memory, or undefined when it defines none. */
export function readMemoryLimits(bytes: Uint8Array): MemoryLimits | undefined {
  const section = findMemorySection(bytes);
  if (!section) return undefined;
  return parseLimits(bytes, section.bodyStart).limits;
}

function findMemorySection(bytes: Uint8Array): { idStart: number; bodyStart: number; bodyEnd: number } | undefined {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('wasm: not a WebAssembly module');
  }
  let i = 8;
  while (i < bytes.length) {
    const idStart = i;
    const id = bytes[i++];
    const size = readU32(bytes, i);
    const bodyStart = size.next;
    const bodyEnd = bodyStart + size.value;
    if (bodyEnd > bytes.length) throw new Error('wasm: section runs past the end');
    if (id === MEMORY_SECTION) return { idStart, bodyStart, bodyEnd };
    i = bodyEnd;
  }
  return undefined;
}

function parseLimits(bytes: Uint8Array, bodyStart: number): { limits: MemoryLimits | undefined; limitsStart: number; limitsEnd: number } {
  const count = readU32(bytes, bodyStart);
  if (count.value === 0) return { limits: undefined, limitsStart: count.next, limitsEnd: count.next };
  const flags = bytes[count.next];
  if (flags & 0x04) throw new Error('wasm: 64-bit memories are not supported here');
  const initial = readU32(bytes, count.next + 1);
  let end = initial.next;
  let maximumPages: number | undefined;
  if (flags & 0x01) {
    const max = readU32(bytes, initial.next);
    maximumPages = max.value;
    end = max.next;
  }
  return {
    limits: { initialPages: initial.value, maximumPages, shared: (flags & 0x02) !== 0, memory64: false },
    limitsStart: count.next,
    limitsEnd: end,
  };
}

/** A copy of `bytes` whose first memory may grow to at most `maxBytes` (rounded down to whole pages). */
export function limitWasmMemory(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const section = findMemorySection(bytes);
  if (!section) throw new Error('wasm: the module defines no memory of its own');
  const { limits, limitsStart, limitsEnd } = parseLimits(bytes, section.bodyStart);
  if (!limits) throw new Error('wasm: the module defines no memory of its own');
  const maxPages = Math.max(limits.initialPages, Math.floor(maxBytes / PAGE));
  const flags = 0x01 | (limits.shared ? 0x02 : 0);
  const newLimits = [flags, ...writeU32(limits.initialPages), ...writeU32(maxPages)];
  const body = [...bytes.subarray(section.bodyStart, limitsStart), ...newLimits, ...bytes.subarray(limitsEnd, section.bodyEnd)];
  const header = [MEMORY_SECTION, ...writeU32(body.length)];
  const out = new Uint8Array(section.idStart + header.length + body.length + (bytes.length - section.bodyEnd));
  out.set(bytes.subarray(0, section.idStart), 0);
  out.set(header, section.idStart);
  out.set(body, section.idStart + header.length);
  out.set(bytes.subarray(section.bodyEnd), section.idStart + header.length + body.length);
  return out;
}
