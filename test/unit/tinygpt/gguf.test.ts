import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlledEvaluateInputItem, Llama, LlamaModel, Token } from 'node-llama-cpp';
import { readGgufFile } from '../../../src/gguf/ggufReader';
import { BpeTokenizer } from '../../../src/tinygpt/bpe';
import { decodeCheckpoint, type Checkpoint } from '../../../src/tinygpt/checkpoint';
import { exportGgufFile } from '../../../src/tinygpt/ggufExport';
import { Gpt } from '../../../src/tinygpt/model';
import type { Tensor } from '../../../src/tinygpt/ops';
import { geluForwardGgml } from './ggmlGelu';

const SHIPPED = join(__dirname, '..', '..', '..', 'media', 'models', 'tinygpt.bin');

/** log softmax of one row: logits up to the per-position constant llama.cpp's probabilities drop. */
function logSoftmax(row: Tensor): Float64Array {
  let max = -Infinity;
  for (const x of row) max = Math.max(max, x);
  let s = 0;
  for (const x of row) s += Math.exp(x - max);
  const lse = max + Math.log(s);
  return Float64Array.from(row, (x) => x - lse);
}

function greedy(model: Gpt, prompt: number[], n: number): number[] {
  const ids = [...prompt];
  const V = model.config.vocabSize;
  for (let i = 0; i < n; i++) {
    model.forward(ids, 1, ids.length);
    const row = model.logits.subarray((ids.length - 1) * V, ids.length * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
    ids.push(best);
  }
  return ids.slice(prompt.length);
}

describe('tiny GPT → GGUF → llama.cpp (node-llama-cpp)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'tinygpt-gguf-'));
  const path = join(dir, 'tinygpt.gguf');
  let ck: Checkpoint;
  let llama: Llama;
  let llamaModel: LlamaModel;
  let ours: Gpt;
  let tok: BpeTokenizer;

  before(async () => {
    ck = decodeCheckpoint(readFileSync(SHIPPED));
    await exportGgufFile(path, ck);
    // node-llama-cpp is ESM with top-level await: a real dynamic import, not a require.
    const { getLlama } = (await import('node-llama-cpp')) as typeof import('node-llama-cpp');
    llama = await getLlama({ gpu: false, build: 'never' });
    llamaModel = await llama.loadModel({ modelPath: path });
    ours = new Gpt(ck.config, { params: ck.params });
    tok = new BpeTokenizer(ck.tokenizer);
  });

  after(async () => {
    await llamaModel?.dispose();
    await llama?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the gpt2 layout llama.cpp expects (metadata and every tensor)', () => {
    const h = readGgufFile(path);
    assert.equal(h.architecture, 'gpt2');
    assert.equal(h.metadata['gpt2.block_count'], ck.config.layers);
    assert.equal(h.metadata['tokenizer.ggml.model'], 'gpt2');
    const names = h.tensors.map((t) => t.name);
    for (const n of ['token_embd.weight', 'position_embd.weight', 'blk.0.attn_qkv.weight', 'blk.0.ffn_down.bias', 'output_norm.bias', 'output.weight']) assert.ok(names.includes(n), n);
    assert.equal(h.tensors.length, 2 + 12 * ck.config.layers + 3);
  });

  it('llama.cpp tokenizes English and Chinese exactly as our BPE does', () => {
    for (const text of ['The model predicts the next token.', '语言模型预测下一个词元。', 'RLHF (PPO) — 3 steps, 人类反馈!']) {
      assert.deepEqual(Array.from(llamaModel.tokenize(text)), tok.encode(text), text);
    }
  });

  it('next-token log-probabilities (logits up to a constant) match our forward pass within 1e-3 at every position', async () => {
    const prompt = tok.encode('The reward model is trained on human rankings, and 模型');
    // llama.cpp's defaults round inside: flash attention and the key/value cache in half precision, and GELU from a
    // half-precision table. Measured on the shipped model: up to 4.9e-3 apart with its defaults, 2.7e-3 with f32
    // attention; with f32 attention and our forward using its GELU table, the two agree within 1e-3 (asserted).
    const context = await llamaModel.createContext({ contextSize: ck.config.context, threads: 1, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
    try {
      const input: ControlledEvaluateInputItem[] = prompt.map((t) => [
        t as Token, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } },
      ]);
      const out = await context.getSequence().controlledEvaluate(input);
      const V = ck.config.vocabSize;
      const largestDifference = (model: Gpt): number => {
        model.forward(prompt, 1, prompt.length);
        let worst = 0;
        for (let i = 0; i < prompt.length; i++) {
          const probabilities = out[i]?.next?.probabilities;
          assert.ok(probabilities && probabilities.size === V, `position ${i}: full distribution`);
          const expected = logSoftmax(model.logits.subarray(i * V, (i + 1) * V));
          for (const [token, p] of probabilities) worst = Math.max(worst, Math.abs(Math.log(p) - expected[token]));
        }
        return worst;
      };
      const withTable = largestDifference(new Gpt(ck.config, { params: ck.params, gelu: geluForwardGgml }));
      assert.ok(withTable < 1e-3, `largest difference ${withTable} (GELU as llama.cpp's table)`);
      const exact = largestDifference(ours);
      assert.ok(exact < 5e-3, `largest difference ${exact} (exact GELU)`);
    } finally {
      await context.dispose();
    }
  });

  it('greedy continuations agree token for token', async () => {
    const context = await llamaModel.createContext({ contextSize: ck.config.context, threads: 1 });
    const sequence = context.getSequence();
    try {
      for (const text of ['A language model', '预训练']) {
        const prompt = tok.encode(text);
        const n = 24;
        const theirs: number[] = [];
        for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0, yieldEogToken: true })) {
          theirs.push(token);
          if (theirs.length === n) break;
        }
        assert.deepEqual(theirs, greedy(ours, prompt, n), `${text} → ${tok.decode(theirs)}`);
        await sequence.clearHistory();
      }
    } finally {
      await context.dispose();
    }
  });
});
