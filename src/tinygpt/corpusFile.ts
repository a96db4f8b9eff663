/**
 * The tokenized corpus as shipped beside the model (media/models/corpus.bin), so the extension can train
 * from scratch without the lecture's source files: "TGPC" | u32 train tokens | u32 val tokens | uint16 ids.
 */
import type { TokenData } from './training';

const MAGIC = 0x43504754; // "TGPC" little-endian

export function encodeCorpus(data: TokenData): Uint8Array {
  const out = new Uint8Array(12 + 2 * (data.train.length + data.val.length));
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, data.train.length, true);
  view.setUint32(8, data.val.length, true);
  let at = 12;
  for (const stream of [data.train, data.val]) {
    for (let i = 0; i < stream.length; i++, at += 2) view.setUint16(at, stream[i], true);
  }
  return out;
}

export function decodeCorpus(bytes: Uint8Array): TokenData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('Not a tiny GPT corpus file');
  const nTrain = view.getUint32(4, true);
  const nVal = view.getUint32(8, true);
  if (bytes.length !== 12 + 2 * (nTrain + nVal)) throw new Error('Tiny GPT corpus file is truncated');
  const read = (from: number, n: number): Uint16Array => Uint16Array.from({ length: n }, (_, i) => view.getUint16(12 + 2 * (from + i), true));
  return { train: read(0, nTrain), val: read(nTrain, nVal) };
}
