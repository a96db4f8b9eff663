/**
 * Reads a GGUF v3 (or v2) header: magic, version, tensor and metadata counts, every metadata key/value and
 * the tensor table — enough to validate a downloaded file (not HTML, not truncated) and to read its
 * architecture, context length and chat template. Pure, no vscode.
 *
 *   readGguf(buffer, options?)        — parses a Buffer holding at least the header
 *   readGgufFile(path, options?)      — reads only as much of the file as the header needs
 *   validateGgufFile(path)            — readGgufFile + checks the file is long enough for its tensor data
 * Failures throw GgufError with a `code`: 'notGguf' | 'badVersion' | 'truncated' | 'corrupt'.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_TYPE_NAMES, GGUF_VALUE_TYPES, alignUp, ggmlTensorBytes } from './ggufTypes';

export type GgufValue = number | bigint | boolean | string | GgufValue[] | { skippedArray: true; itemType: string; length: number };

export interface GgufTensorInfo {
  name: string;
  /** GGUF order, innermost first. */
  dims: number[];
  /** ggml type code (0 = F32, 1 = F16, 12 = Q4_K, …). */
  type: number;
  /** Relative to the start of the data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  tensorCount: number;
  kvCount: number;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Where tensor data starts. */
  dataOffset: number;
  /** Where the last tensor's data ends; undefined when a tensor type is not known to this reader. */
  expectedSize?: number;
  architecture?: string;
  name?: string;
  contextLength?: number;
  chatTemplate?: string;
}

export type GgufErrorCode = 'notGguf' | 'badVersion' | 'truncated' | 'corrupt';

export class GgufError extends Error {
  constructor(
    readonly code: GgufErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GgufError';
  }
}

export interface ReadOptions {
  /** Arrays longer than this are skipped over, not materialised (default 1,000,000). */
  maxArrayItems?: number;
  /** Refuse headers larger than this many bytes (default 512 MB). */
  maxHeaderBytes?: number;
}

/** A byte source the parser pulls from; `need(n)` makes bytes [pos, pos+n) available or throws 'truncated'. */
interface Source {
  bytes(pos: number, n: number): Buffer;
}

export function readGguf(buffer: Buffer, options: ReadOptions = {}): GgufHeader {
  return parse(
    {
      bytes(pos, n) {
        if (pos + n > buffer.length) throw new GgufError('truncated', `The GGUF header ends early (needs byte ${pos + n}, has ${buffer.length}).`);
        return buffer.subarray(pos, pos + n);
      },
    },
    options,
  );
}

export function readGgufFile(path: string, options: ReadOptions = {}): GgufHeader & { fileSize: number } {
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    let window = Buffer.alloc(0);
    let windowStart = 0;
    const source: Source = {
      bytes(pos, n) {
        if (pos + n > fileSize) throw new GgufError('truncated', `The file ends inside its GGUF header (${fileSize} bytes).`);
        if (pos < windowStart || pos + n > windowStart + window.length) {
          const size = Math.min(Math.max(n, 1 << 20), fileSize - pos);
          window = Buffer.alloc(size);
          readSync(fd, window, 0, size, pos);
          windowStart = pos;
        }
        return window.subarray(pos - windowStart, pos - windowStart + n);
      },
    };
    return { ...parse(source, options), fileSize };
  } finally {
    closeSync(fd);
  }
}

/** Header readable and the file long enough for all its tensor data. */
export function validateGgufFile(path: string, options: ReadOptions = {}): GgufHeader & { fileSize: number } {
  const header = readGgufFile(path, { maxArrayItems: 64, ...options });
  if (header.expectedSize !== undefined && header.fileSize < header.expectedSize) {
    throw new GgufError('truncated', `The GGUF file is truncated: ${header.fileSize} bytes of ${header.expectedSize}.`);
  }
  if (header.fileSize < header.dataOffset) throw new GgufError('truncated', 'The GGUF file ends before its tensor data.');
  return header;
}

function parse(source: Source, options: ReadOptions): GgufHeader {
  const maxItems = options.maxArrayItems ?? 1_000_000;
  const maxHeader = options.maxHeaderBytes ?? 512 * 1024 * 1024;
  let pos = 0;
  const take = (n: number): Buffer => {
    if (pos + n > maxHeader) throw new GgufError('corrupt', 'The GGUF header is implausibly large.');
    const b = source.bytes(pos, n);
    pos += n;
    return b;
  };
  const u32 = (): number => take(4).readUInt32LE(0);
  const u64 = (): number => {
    const v = take(8).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufError('corrupt', 'A GGUF count or length is implausibly large.');
    return Number(v);
  };
  const str = (): string => take(u64()).toString('utf8');

  let magic: number;
  try {
    magic = u32();
  } catch (error) {
    throw error instanceof GgufError ? new GgufError('notGguf', 'The file is too short to be a GGUF model.') : error;
  }
  if (magic !== GGUF_MAGIC) {
    const start = source.bytes(0, 4).toString('latin1');
    const html = /^\s*</.test(start);
    throw new GgufError('notGguf', html ? 'The file is a web page, not a GGUF model.' : 'The file is not a GGUF model (wrong magic bytes).');
  }
  const version = u32();
  if (version !== 2 && version !== 3) throw new GgufError('badVersion', `GGUF version ${version} is not supported (2 or 3 expected).`);
  const tensorCount = u64();
  const kvCount = u64();
  if (tensorCount > 1_000_000 || kvCount > 1_000_000) throw new GgufError('corrupt', 'The GGUF header counts are implausible.');

  const scalar = (type: number): GgufValue => {
    switch (type) {
      case GGUF_VALUE_TYPES.uint8: return take(1).readUInt8(0);
      case GGUF_VALUE_TYPES.int8: return take(1).readInt8(0);
      case GGUF_VALUE_TYPES.uint16: return take(2).readUInt16LE(0);
      case GGUF_VALUE_TYPES.int16: return take(2).readInt16LE(0);
      case GGUF_VALUE_TYPES.uint32: return take(4).readUInt32LE(0);
      case GGUF_VALUE_TYPES.int32: return take(4).readInt32LE(0);
      case GGUF_VALUE_TYPES.float32: return take(4).readFloatLE(0);
      case GGUF_VALUE_TYPES.bool: return take(1).readUInt8(0) !== 0;
      case GGUF_VALUE_TYPES.string: return str();
      case GGUF_VALUE_TYPES.uint64: return bigOrNumber(take(8).readBigUInt64LE(0));
      case GGUF_VALUE_TYPES.int64: return bigOrNumber(take(8).readBigInt64LE(0));
      case GGUF_VALUE_TYPES.float64: return take(8).readDoubleLE(0);
      default: throw new GgufError('corrupt', `Unknown GGUF value type ${type}.`);
    }
  };
  const value = (type: number): GgufValue => {
    if (type !== GGUF_VALUE_TYPES.array) return scalar(type);
    const itemType = u32();
    const length = u64();
    if (itemType === GGUF_VALUE_TYPES.array) throw new GgufError('corrupt', 'Nested GGUF arrays are not supported.');
    if (length > maxItems) {
      for (let i = 0; i < length; i++) skip(itemType);
      return { skippedArray: true, itemType: GGUF_TYPE_NAMES[itemType] ?? String(itemType), length };
    }
    const items: GgufValue[] = new Array(length);
    for (let i = 0; i < length; i++) items[i] = scalar(itemType);
    return items;
  };
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skip = (itemType: number): void => {
    if (itemType === GGUF_VALUE_TYPES.string) take(u64());
    else if (SIZES[itemType]) take(SIZES[itemType]);
    else throw new GgufError('corrupt', `Unknown GGUF value type ${itemType}.`);
  };

  const metadata: Record<string, GgufValue> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = str();
    metadata[key] = value(u32());
  }
  const alignment = typeof metadata['general.alignment'] === 'number' ? metadata['general.alignment'] : GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0) throw new GgufError('corrupt', 'general.alignment is not a positive integer.');

  const tensors: GgufTensorInfo[] = [];
  let expectedEnd: bigint | undefined = 0n;
  for (let i = 0; i < tensorCount; i++) {
    const name = str();
    const nDims = u32();
    if (nDims > 8) throw new GgufError('corrupt', `Tensor "${name}" has ${nDims} dimensions.`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(u64());
    const type = u32();
    const offset = u64();
    tensors.push({ name, dims, type, offset });
    const bytes = ggmlTensorBytes(type, dims.reduce((a, b) => a * BigInt(b), 1n));
    if (bytes === undefined || expectedEnd === undefined) expectedEnd = undefined;
    else if (BigInt(offset) + bytes > expectedEnd) expectedEnd = BigInt(offset) + bytes;
  }
  const dataOffset = alignUp(pos, alignment);

  const arch = typeof metadata['general.architecture'] === 'string' ? metadata['general.architecture'] : undefined;
  const ctx = arch ? metadata[`${arch}.context_length`] : undefined;
  return {
    version,
    tensorCount,
    kvCount,
    metadata,
    tensors,
    alignment,
    dataOffset,
    expectedSize: expectedEnd === undefined ? undefined : dataOffset + Number(expectedEnd),
    architecture: arch,
    name: typeof metadata['general.name'] === 'string' ? metadata['general.name'] : undefined,
    contextLength: typeof ctx === 'number' ? ctx : typeof ctx === 'bigint' ? Number(ctx) : undefined,
    chatTemplate: typeof metadata['tokenizer.chat_template'] === 'string' ? metadata['tokenizer.chat_template'] : undefined,
  };
}

function bigOrNumber(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}
