/**
 * Writes GGUF v3 files (the llama.cpp model format): metadata key/values of every GGUF value type and
 * f32 / f16 tensors, each tensor aligned to `general.alignment` (32 unless the metadata sets it).
 *
 * API (pure, no vscode):
 *   writeGguf({ metadata, tensors }): Buffer           — the whole file in memory
 *   ggufChunks({ metadata, tensors }): Iterable<Buffer> — the same bytes in pieces (header, then each tensor)
 *   writeGgufFile(path, { metadata, tensors })          — streams the pieces to disk (for big models)
 *
 *   metadata: Array<{ key, type, value }> in file order, where `type` is one of
 *     'uint8' 'int8' 'uint16' 'int16' 'uint32' 'int32' 'uint64' 'int64' 'float32' 'float64' 'bool' 'string'
 *     or 'array' with `itemType` (any of the above, e.g. { key, type: 'array', itemType: 'string', value: [...] }).
 *     64-bit integers accept number or bigint. The `kv` helpers build the common cases:
 *     kv.string('general.architecture', 'gpt2'), kv.u32('gpt2.block_count', 2), kv.strings(...), kv.i32s(...).
 *   tensors: Array<{ name, shape, data, type? }>:
 *     shape — row-major like PyTorch/NumPy, outermost first: a Linear(in → out) weight is [out, in].
 *             GGUF stores dimensions innermost first (ne[0] = columns); the writer reverses them for you.
 *             (Alternatively pass `dims` already in GGUF order, innermost first — not both.)
 *     data  — Float32Array of product(shape) elements, row-major.
 *     type  — 'f32' (default) or 'f16' (converted on write, round-to-nearest-even).
 *   Set `general.file_type` yourself if you want it (0 = all f32, 1 = mostly f16).
 */
import { open } from 'node:fs/promises';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VALUE_TYPES, GGUF_VERSION, GgufScalarType, alignUp } from './ggufTypes';

export type GgufScalar = number | bigint | boolean | string;

export type GgufMetadataEntry =
  | { key: string; type: GgufScalarType; value: GgufScalar }
  | { key: string; type: 'array'; itemType: GgufScalarType; value: readonly GgufScalar[] };

export interface GgufTensor {
  name: string;
  /** Row-major shape, outermost first (PyTorch order). */
  shape?: readonly number[];
  /** GGUF order, innermost first (ne[0] = columns). Use this or `shape`. */
  dims?: readonly number[];
  data: Float32Array;
  type?: 'f32' | 'f16';
}

export interface GgufSpec {
  metadata: readonly GgufMetadataEntry[];
  tensors: readonly GgufTensor[];
}

/** Shorthands for metadata entries. */
export const kv = {
  string: (key: string, value: string): GgufMetadataEntry => ({ key, type: 'string', value }),
  u32: (key: string, value: number): GgufMetadataEntry => ({ key, type: 'uint32', value }),
  i32: (key: string, value: number): GgufMetadataEntry => ({ key, type: 'int32', value }),
  u64: (key: string, value: number | bigint): GgufMetadataEntry => ({ key, type: 'uint64', value }),
  f32: (key: string, value: number): GgufMetadataEntry => ({ key, type: 'float32', value }),
  bool: (key: string, value: boolean): GgufMetadataEntry => ({ key, type: 'bool', value }),
  strings: (key: string, value: readonly string[]): GgufMetadataEntry => ({ key, type: 'array', itemType: 'string', value }),
  i32s: (key: string, value: readonly number[]): GgufMetadataEntry => ({ key, type: 'array', itemType: 'int32', value }),
  u32s: (key: string, value: readonly number[]): GgufMetadataEntry => ({ key, type: 'array', itemType: 'uint32', value }),
  f32s: (key: string, value: readonly number[]): GgufMetadataEntry => ({ key, type: 'array', itemType: 'float32', value }),
};

/** The whole file in one Buffer. */
export function writeGguf(spec: GgufSpec): Buffer {
  return Buffer.concat([...ggufChunks(spec)]);
}

/** Streams the file to `path` piece by piece (header, then one tensor at a time). Returns the bytes written. */
export async function writeGgufFile(path: string, spec: GgufSpec): Promise<number> {
  const file = await open(path, 'w');
  let bytes = 0;
  try {
    for (const chunk of ggufChunks(spec)) {
      await file.write(chunk);
      bytes += chunk.length;
    }
  } finally {
    await file.close();
  }
  return bytes;
}

/** The file's bytes in pieces: header + metadata + tensor infos + padding, then each tensor's data + padding. */
export function* ggufChunks(spec: GgufSpec): Generator<Buffer> {
  const alignment = alignmentOf(spec.metadata);
  const tensors = spec.tensors.map((t) => describeTensor(t));
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new Error(`GGUF: tensor "${t.name}" appears twice`);
    names.add(t.name);
  }
  const keys = new Set<string>();
  for (const m of spec.metadata) {
    if (keys.has(m.key)) throw new Error(`GGUF: metadata key "${m.key}" appears twice`);
    keys.add(m.key);
  }

  const head = new ByteWriter();
  head.u32(GGUF_MAGIC);
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(spec.metadata.length);
  for (const entry of spec.metadata) writeEntry(head, entry);
  let offset = 0;
  for (const t of tensors) {
    head.string(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(t.ggmlType);
    head.u64(offset);
    offset = alignUp(offset + t.bytes, alignment);
  }
  const header = head.toBuffer();
  yield Buffer.concat([header, Buffer.alloc(alignUp(header.length, alignment) - header.length)]);

  for (const t of tensors) {
    const data = t.ggmlType === 1 ? toF16Bytes(t.data) : Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    // Float32Array is in the platform's byte order; GGUF is little-endian (every platform LLM Lab ships for is).
    yield Buffer.from(data);
    const pad = alignUp(t.bytes, alignment) - t.bytes;
    if (pad) yield Buffer.alloc(pad);
  }
}

function alignmentOf(metadata: readonly GgufMetadataEntry[]): number {
  const entry = metadata.find((m) => m.key === 'general.alignment');
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const value = Number(entry.value);
  if (entry.type !== 'uint32' || !Number.isInteger(value) || value <= 0 || value % 8 !== 0) {
    throw new Error('GGUF: general.alignment must be a uint32 multiple of 8');
  }
  return value;
}

function describeTensor(t: GgufTensor): { name: string; dims: number[]; ggmlType: number; bytes: number; data: Float32Array } {
  if (t.shape && t.dims) throw new Error(`GGUF: tensor "${t.name}": give shape or dims, not both`);
  const dims = t.dims ? [...t.dims] : [...(t.shape ?? [])].reverse();
  if (!dims.length || dims.length > 4) throw new Error(`GGUF: tensor "${t.name}" needs 1 to 4 dimensions`);
  if (dims.some((d) => !Number.isInteger(d) || d <= 0)) throw new Error(`GGUF: tensor "${t.name}" has a bad dimension: ${dims.join('×')}`);
  const elements = dims.reduce((a, b) => a * b, 1);
  if (elements !== t.data.length) {
    throw new Error(`GGUF: tensor "${t.name}" has ${t.data.length} values, its shape needs ${elements}`);
  }
  const ggmlType = (t.type ?? 'f32') === 'f16' ? 1 : 0;
  return { name: t.name, dims, ggmlType, bytes: elements * (ggmlType === 1 ? 2 : 4), data: t.data };
}

function writeEntry(w: ByteWriter, entry: GgufMetadataEntry): void {
  w.string(entry.key);
  w.u32(GGUF_VALUE_TYPES[entry.type]);
  if (entry.type === 'array') {
    if (!Array.isArray(entry.value)) throw new Error(`GGUF: "${entry.key}" must be an array`);
    w.u32(GGUF_VALUE_TYPES[entry.itemType]);
    w.u64(entry.value.length);
    for (const item of entry.value) writeScalar(w, entry.itemType, item, entry.key);
  } else {
    writeScalar(w, entry.type, entry.value, entry.key);
  }
}

function writeScalar(w: ByteWriter, type: GgufScalarType, value: GgufScalar, key: string): void {
  const bad = (): never => {
    throw new Error(`GGUF: "${key}": ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} is not a ${type}`);
  };
  if (type === 'string') return typeof value === 'string' ? w.string(value) : bad();
  if (type === 'bool') return typeof value === 'boolean' ? w.u8(value ? 1 : 0) : bad();
  if (type === 'uint64' || type === 'int64') {
    if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) bad();
    const big = BigInt(value);
    return type === 'uint64' ? (big < 0n ? bad() : w.u64(big)) : w.i64(big);
  }
  if (typeof value !== 'number') return bad();
  if (type === 'float32') return w.f32(value);
  if (type === 'float64') return w.f64(value);
  const [min, max] = INT_RANGES[type];
  if (!Number.isInteger(value) || value < min || value > max) bad();
  w.int(type, value);
}

const INT_RANGES: Record<'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32', [number, number]> = {
  uint8: [0, 0xff],
  int8: [-0x80, 0x7f],
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

/** Growable little-endian byte buffer. */
class ByteWriter {
  private buf = Buffer.alloc(4096);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf.writeUInt8(v, this.pos);
    this.pos += 1;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  u64(v: number | bigint): void {
    this.room(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.pos);
    this.pos += 8;
  }
  i64(v: bigint): void {
    this.room(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }
  f32(v: number): void {
    this.room(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
  int(type: keyof typeof INT_RANGES, v: number): void {
    const size = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4 }[type];
    this.room(size);
    if (type === 'uint8') this.buf.writeUInt8(v, this.pos);
    else if (type === 'int8') this.buf.writeInt8(v, this.pos);
    else if (type === 'uint16') this.buf.writeUInt16LE(v, this.pos);
    else if (type === 'int16') this.buf.writeInt16LE(v, this.pos);
    else if (type === 'uint32') this.buf.writeUInt32LE(v, this.pos);
    else this.buf.writeInt32LE(v, this.pos);
    this.pos += size;
  }
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.room(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE 754 half precision, round to nearest even; overflow → ±Inf, NaN kept. No allocation (hot in exports). */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  // A carry out of the mantissa lands in the exponent, which is still the right bit pattern (up to Inf).
  return sign | half;
}

function toF16Bytes(data: Float32Array): Buffer {
  const out = Buffer.alloc(data.length * 2);
  for (let i = 0; i < data.length; i++) out.writeUInt16LE(float32ToFloat16Bits(data[i]), i * 2);
  return out;
}
