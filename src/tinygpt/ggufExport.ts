/**
 * The tiny GPT as a GGUF file in llama.cpp's `gpt2` layout, so the same weights run in llama.cpp (an
 * outside check of the hand-written forward pass, and a model the learner can load anywhere).
 *
 * Mapping (our name → GGUF tensor; linear weights are [out, in] in both):
 *   wte → token_embd.weight and output.weight (tied here, written twice there), wpe → position_embd.weight,
 *   ln1 → blk.N.attn_norm, qkv → blk.N.attn_qkv (q | k | v rows, heads contiguous), attproj → blk.N.attn_output,
 *   ln2 → blk.N.ffn_norm, fc → blk.N.ffn_up, fcproj → blk.N.ffn_down, lnf → output_norm.
 * Tokenizer: GPT-2 byte-level BPE (`gpt2` model, `gpt-2` pre-tokenizer), our tokens and merges;
 * <|endoftext|> is a control token and serves as BOS and EOS.
 */
import { kv, writeGguf, writeGgufFile, type GgufSpec, type GgufTensor } from '../gguf/ggufWriter';
import { BpeTokenizer } from './bpe';
import type { Checkpoint } from './checkpoint';
import { paramViews } from './model';
import { LAYERNORM_EPS } from './ops';

export function ggufSpec(ck: Checkpoint, options: { type?: 'f32' | 'f16'; name?: string } = {}): GgufSpec {
  const { config: c } = ck;
  const C = c.dim;
  const type = options.type ?? 'f32';
  const tok = new BpeTokenizer(ck.tokenizer);
  if (tok.vocabSize !== c.vocabSize) throw new Error(`GGUF export: tokenizer has ${tok.vocabSize} ids, model ${c.vocabSize}`);
  const tokens = tok.tokenStrings();
  const p = paramViews(c, ck.params);
  const tensors: GgufTensor[] = [];
  // 1-D tensors (norms, biases) stay f32 as llama.cpp's own converters keep them.
  const add = (name: string, shape: number[], data: Float32Array): void => {
    tensors.push({ name, shape, data, type: shape.length > 1 ? type : 'f32' });
  };
  const layer = (a: Float32Array, l: number, n: number): Float32Array => a.subarray(l * n, (l + 1) * n);
  add('token_embd.weight', [c.vocabSize, C], p.wte);
  add('position_embd.weight', [c.context, C], p.wpe);
  for (let l = 0; l < c.layers; l++) {
    add(`blk.${l}.attn_norm.weight`, [C], layer(p.ln1w, l, C));
    add(`blk.${l}.attn_norm.bias`, [C], layer(p.ln1b, l, C));
    add(`blk.${l}.attn_qkv.weight`, [3 * C, C], layer(p.qkvw, l, 3 * C * C));
    add(`blk.${l}.attn_qkv.bias`, [3 * C], layer(p.qkvb, l, 3 * C));
    add(`blk.${l}.attn_output.weight`, [C, C], layer(p.attprojw, l, C * C));
    add(`blk.${l}.attn_output.bias`, [C], layer(p.attprojb, l, C));
    add(`blk.${l}.ffn_norm.weight`, [C], layer(p.ln2w, l, C));
    add(`blk.${l}.ffn_norm.bias`, [C], layer(p.ln2b, l, C));
    add(`blk.${l}.ffn_up.weight`, [4 * C, C], layer(p.fcw, l, 4 * C * C));
    add(`blk.${l}.ffn_up.bias`, [4 * C], layer(p.fcb, l, 4 * C));
    add(`blk.${l}.ffn_down.weight`, [C, 4 * C], layer(p.fcprojw, l, 4 * C * C));
    add(`blk.${l}.ffn_down.bias`, [C], layer(p.fcprojb, l, C));
  }
  add('output_norm.weight', [C], p.lnfw);
  add('output_norm.bias', [C], p.lnfb);
  add('output.weight', [c.vocabSize, C], p.wte);

  const eot = tok.endOfText;
  return {
    metadata: [
      kv.string('general.architecture', 'gpt2'),
      kv.string('general.name', options.name ?? 'LLM Lab tiny GPT'),
      kv.u32('general.file_type', type === 'f16' ? 1 : 0),
      kv.u32('gpt2.context_length', c.context),
      kv.u32('gpt2.embedding_length', C),
      kv.u32('gpt2.block_count', c.layers),
      kv.u32('gpt2.feed_forward_length', 4 * C),
      kv.u32('gpt2.attention.head_count', c.heads),
      kv.f32('gpt2.attention.layer_norm_epsilon', LAYERNORM_EPS),
      kv.string('tokenizer.ggml.model', 'gpt2'),
      kv.string('tokenizer.ggml.pre', 'gpt-2'),
      kv.strings('tokenizer.ggml.tokens', tokens),
      kv.i32s('tokenizer.ggml.token_type', tokens.map((_, i) => (i === eot ? 3 : 1))),
      kv.strings('tokenizer.ggml.merges', tok.mergeStrings()),
      kv.u32('tokenizer.ggml.bos_token_id', eot),
      kv.u32('tokenizer.ggml.eos_token_id', eot),
      kv.bool('tokenizer.ggml.add_bos_token', false),
    ],
    tensors,
  };
}

export function exportGguf(ck: Checkpoint, options?: { type?: 'f32' | 'f16'; name?: string }): Buffer {
  return writeGguf(ggufSpec(ck, options));
}

/** Writes the file; returns its size in bytes. */
export function exportGgufFile(path: string, ck: Checkpoint, options?: { type?: 'f32' | 'f16'; name?: string }): Promise<number> {
  return writeGgufFile(path, ggufSpec(ck, options));
}
