/**
 * The tiny GPT's checkpoint: one binary file, a JSON header (config, tokenizer merges, training state,
 * tensor table) followed by raw little-endian tensors.
 *
 *   "TGPT" | u32 version | u32 header bytes | header JSON (space-padded to 4 bytes) | tensors…
 *
 * Weights are float32, or float16 for the checkpoint that ships in the .vsix (half the size; the loaded
 * model is exactly the rounded weights). A resumable checkpoint adds AdamW's moments and the step/RNG
 * state, so training continues as if it had never stopped.
 */
import type { BpeData } from './bpe';
import type { GptConfig, TrainConfig } from './config';
import { paramCount } from './model';
import { float32ToFloat16Bits } from '../gguf/ggufWriter';

export const CHECKPOINT_MAGIC = 'TGPT';
export const CHECKPOINT_VERSION = 1;

export type DType = 'f32' | 'f16';

export interface TrainingProgress {
  step: number;
  train: TrainConfig;
  /** The batch sampler's RNG state after `step` steps. */
  rngState: number;
  losses: number[];
  valLosses: Array<{ step: number; loss: number }>;
  tokensSeen: number;
  elapsedMs: number;
}

export interface Checkpoint {
  config: GptConfig;
  tokenizer: BpeData;
  params: Float32Array;
  adam?: { m: Float32Array; v: Float32Array };
  progress?: TrainingProgress;
  /** Free-form facts (how it was trained, losses) recorded with the weights. */
  meta?: Record<string, unknown>;
}

interface TensorEntry {
  name: string;
  dtype: DType;
  offset: number;
  length: number;
}

interface Header {
  format: 'tinygpt';
  version: number;
  config: GptConfig;
  tokenizer: BpeData;
  progress?: TrainingProgress;
  meta?: Record<string, unknown>;
  tensors: TensorEntry[];
}

/** float32 → IEEE half: the GGUF writer's conversion (one implementation for checkpoints and exports). */
export const toHalf = float32ToFloat16Bits;

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Rounds every value to the nearest float16 in place (what an f16 checkpoint will load as). */
export function roundToHalf(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = fromHalf(toHalf(values[i]));
  return values;
}

export function encodeCheckpoint(ck: Checkpoint, dtype: DType = 'f32'): Uint8Array {
  const n = paramCount(ck.config);
  if (ck.params.length !== n) throw new RangeError(`checkpoint: ${ck.params.length} parameters for a config of ${n}`);
  const blocks: Array<{ name: string; dtype: DType; data: Float32Array }> = [{ name: 'params', dtype, data: ck.params }];
  if (ck.adam) blocks.push({ name: 'adam.m', dtype: 'f32', data: ck.adam.m }, { name: 'adam.v', dtype: 'f32', data: ck.adam.v });
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const b of blocks) {
    tensors.push({ name: b.name, dtype: b.dtype, offset, length: b.data.length });
    offset += b.data.length * (b.dtype === 'f16' ? 2 : 4);
    offset = (offset + 3) & ~3;
  }
  const header: Header = {
    format: 'tinygpt', version: CHECKPOINT_VERSION, config: ck.config, tokenizer: ck.tokenizer,
    progress: ck.progress, meta: ck.meta, tensors,
  };
  let json = JSON.stringify(header);
  while (Buffer.byteLength(json) % 4) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const start = 12 + headerBytes.length;
  const out = new Uint8Array(start + offset);
  out.set(Buffer.from(CHECKPOINT_MAGIC, 'ascii'), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  for (const [i, b] of blocks.entries()) {
    const at = start + tensors[i].offset;
    if (b.dtype === 'f32') out.set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength), at);
    else for (let j = 0; j < b.data.length; j++) view.setUint16(at + 2 * j, toHalf(b.data[j]), true);
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const fail = (why: string): never => {
    throw new Error(`Not a tiny GPT checkpoint: ${why}`);
  };
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 4)).toString('ascii') !== CHECKPOINT_MAGIC) fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) fail(`version ${version}, expected ${CHECKPOINT_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail('truncated header');
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as Header;
  if (header.format !== 'tinygpt') fail('wrong format');
  const start = 12 + headerLength;
  const read = (name: string): Float32Array | undefined => {
    const entry = header.tensors.find((t) => t.name === name);
    if (!entry) return undefined;
    const at = start + entry.offset;
    const width = entry.dtype === 'f16' ? 2 : 4;
    if (at + entry.length * width > bytes.length) fail(`truncated tensor ${name}`);
    const data = new Float32Array(entry.length);
    if (entry.dtype === 'f32') for (let j = 0; j < entry.length; j++) data[j] = view.getFloat32(at + 4 * j, true);
    else for (let j = 0; j < entry.length; j++) data[j] = fromHalf(view.getUint16(at + 2 * j, true));
    return data;
  };
  const params = read('params') ?? fail('no params');
  if (params.length !== paramCount(header.config)) fail('parameter count does not match the config');
  const m = read('adam.m');
  const v = read('adam.v');
  return {
    config: header.config,
    tokenizer: header.tokenizer,
    params,
    adam: m && v ? { m, v } : undefined,
    progress: header.progress,
    meta: header.meta,
  };
}
