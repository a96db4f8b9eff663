/**
 * A tiny synthetic GGUF for tests and the bench: llama layout, random weights, a byte-level BPE tokenizer
 * (GPT-2's 256 byte tokens plus a few merges: llama.cpp refuses an empty merges list) and a ChatML chat
 * template. llama.cpp loads it and streams (nonsense) text. About 0.5 MB.
 *
 *   node --import tsx scripts/makeTinyGguf.ts <out.gguf> [--seed N]
 *   import { makeTinyGguf } from '../scripts/makeTinyGguf'
 */
import { writeFileSync } from 'node:fs';
import { GgufMetadataEntry, GgufTensor, kv, writeGguf } from '../src/gguf/ggufWriter';

export interface TinyGgufOptions {
  seed?: number;
  dim?: number;
  layers?: number;
  heads?: number;
  contextLength?: number;
  /** Text put into general.name (lets tests make files with different hashes). */
  name?: string;
}

/** GPT-2's bytes → printable characters table (openai/gpt-2 encoder.py bytes_to_unicode). */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

const MERGES = ['Ġ t', 'h e', 'i n', 'Ġ a', 'e r', 'o n', 'Ġt he', 'Ġ s', 'r e', 'a n'];
const SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function makeTinyGguf(options: TinyGgufOptions = {}): Buffer {
  const d = options.dim ?? 64;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 4;
  const ff = d * 2;
  let state = (options.seed ?? 1) >>> 0 || 1;
  const random = (): number => {
    // xorshift32: deterministic weights for a given seed.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  const weights = (rows: number, cols: number, scale = 0.08): Float32Array => {
    const a = new Float32Array(rows * cols);
    for (let i = 0; i < a.length; i++) a[i] = (random() * 2 - 1) * scale;
    return a;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

  const tokens = [...bytesToUnicode(), ...MERGES.map((m) => m.replace(' ', '')), ...SPECIAL];
  const types = tokens.map((_, i) => (i >= tokens.length - SPECIAL.length ? 3 : 1));
  const vocab = tokens.length;
  const eos = tokens.indexOf('<|im_end|>');
  const bos = tokens.indexOf('<|endoftext|>');

  const metadata: GgufMetadataEntry[] = [
    kv.string('general.architecture', 'llama'),
    kv.string('general.name', options.name ?? 'llmlab-tiny-test'),
    kv.u32('general.file_type', 0),
    kv.u32('llama.context_length', options.contextLength ?? 2048),
    kv.u32('llama.embedding_length', d),
    kv.u32('llama.block_count', layers),
    kv.u32('llama.feed_forward_length', ff),
    kv.u32('llama.attention.head_count', heads),
    kv.u32('llama.attention.head_count_kv', heads),
    kv.u32('llama.rope.dimension_count', d / heads),
    kv.f32('llama.attention.layer_norm_rms_epsilon', 1e-5),
    kv.string('tokenizer.ggml.model', 'gpt2'),
    kv.string('tokenizer.ggml.pre', 'default'),
    kv.strings('tokenizer.ggml.tokens', tokens),
    kv.i32s('tokenizer.ggml.token_type', types),
    kv.strings('tokenizer.ggml.merges', MERGES),
    kv.u32('tokenizer.ggml.bos_token_id', bos),
    kv.u32('tokenizer.ggml.eos_token_id', eos),
    kv.u32('tokenizer.ggml.padding_token_id', bos),
    kv.bool('tokenizer.ggml.add_bos_token', false),
    kv.string('tokenizer.chat_template', CHATML_TEMPLATE),
  ];
  // Random weights would sample an end token now and then, ending runs early at random. A large constant
  // in dimension 0 of every embedding dominates the normalised hidden state, and only the special tokens'
  // output rows read it (negatively): they are never sampled, so a run lasts until maxTokens or a cancel.
  const embeddings = weights(vocab, d, 0.5);
  for (let i = 0; i < vocab; i++) embeddings[i * d] = 8;
  const output = weights(vocab, d, 0.5);
  for (let i = 0; i < vocab; i++) {
    const special = types[i] === 3;
    for (let j = 0; j < d; j++) if (special || j === 0) output[i * d + j] = special && j === 0 ? -4 : special ? 0 : output[i * d + j];
    if (!special) output[i * d] = 0;
  }
  const tensors: GgufTensor[] = [{ name: 'token_embd.weight', shape: [vocab, d], data: embeddings }];
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      { name: `${p}attn_norm.weight`, shape: [d], data: ones(d) },
      { name: `${p}attn_q.weight`, shape: [d, d], data: weights(d, d) },
      { name: `${p}attn_k.weight`, shape: [d, d], data: weights(d, d) },
      { name: `${p}attn_v.weight`, shape: [d, d], data: weights(d, d) },
      { name: `${p}attn_output.weight`, shape: [d, d], data: weights(d, d) },
      { name: `${p}ffn_norm.weight`, shape: [d], data: ones(d) },
      { name: `${p}ffn_gate.weight`, shape: [ff, d], data: weights(ff, d) },
      { name: `${p}ffn_up.weight`, shape: [ff, d], data: weights(ff, d) },
      { name: `${p}ffn_down.weight`, shape: [d, ff], data: weights(d, ff) },
    );
  }
  tensors.push({ name: 'output_norm.weight', shape: [d], data: ones(d) }, { name: 'output.weight', shape: [vocab, d], data: output });
  return writeGguf({ metadata, tensors });
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx scripts/makeTinyGguf.ts <out.gguf> [--seed N]');
    process.exit(2);
  }
  const seedAt = process.argv.indexOf('--seed');
  const buffer = makeTinyGguf({ seed: seedAt > 0 ? Number(process.argv[seedAt + 1]) : 1 });
  writeFileSync(out, buffer);
  console.log(`${out}: ${buffer.length} bytes`);
}
