// The tiny GPT's speed, measured side by side in one run (ratios, not absolute times):
// - training step (forward, backward, clip, AdamW) of the baby model, batch 12 × 64 tokens, 2 threads, vs
//   PyTorch on the CPU (Debian's python3-torch + OpenBLAS, same model, batch, optimizer and thread count),
//   alternating rounds so both see the same machine load; goal ≤ 1.5×. Skipped with a message where torch
//   is absent (never installed here). Also achieved GFLOP/s (6·N·tokens + attention) and its fraction of
//   the machine's float32 matmul peak (torch's 2048² matmul on 2 threads, measured in the same run).
// - generation tokens/s vs llama.cpp (node-llama-cpp, 1 thread each) on the exported GGUF, both with a KV cache.
// - validation loss after 1, 3 and 10 minutes of training from scratch (TINYGPT_BENCH_MINUTES=1,3 for a shorter run).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpeTokenizer } from '../src/tinygpt/bpe';
import { decodeCheckpoint } from '../src/tinygpt/checkpoint';
import { BABY, BUILTIN_STEPS, BUILTIN_TRAIN } from '../src/tinygpt/config';
import { decodeCorpus } from '../src/tinygpt/corpusFile';
import { exportGgufFile } from '../src/tinygpt/ggufExport';
import { Gpt } from '../src/tinygpt/model';
import { KvDecoder } from '../src/tinygpt/stages/kvDecoder';
import { sharedAllocate, Trainer } from '../src/tinygpt/trainer';
import { TrainState } from '../src/tinygpt/training';
import type { BenchResult } from './run';
import { median } from './timing';

const root = join(__dirname, '..');
const MODELS = join(root, 'media', 'models');
const BATCH = 12;
const THREADS = 2;

const TORCH_PEER = String.raw`
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
V, T, L, H, C, B = (int(x) for x in sys.argv[2:8])

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(C); self.qkv = nn.Linear(C, 3 * C); self.proj = nn.Linear(C, C)
        self.ln2 = nn.LayerNorm(C); self.fc = nn.Linear(C, 4 * C); self.fcproj = nn.Linear(4 * C, C)
    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        att = att.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float('-inf')).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, c))
        return x + self.fcproj(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C); self.wpe = nn.Embedding(T, C)
        self.blocks = nn.ModuleList(Block() for _ in range(L)); self.lnf = nn.LayerNorm(C)
    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for blk in self.blocks: x = blk(x)
        logits = self.lnf(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))

model = GPT()
decay = [p for p in model.parameters() if p.dim() >= 2]
rest = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': rest, 'weight_decay': 0.0}], lr=1e-3, betas=(0.9, 0.95))
data = torch.randint(0, V, (B, T + 1))
def step():
    opt.zero_grad(set_to_none=True)
    loss = model(data[:, :T], data[:, 1:])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
a = torch.rand(2048, 2048)
print(json.dumps({'ready': True, 'params': sum(p.numel() for p in model.parameters())}), flush=True)
for line in sys.stdin:
    cmd, n = line.split()
    n = int(n)
    t0 = time.perf_counter()
    if cmd == 'step':
        for _ in range(n): step()
    else:
        for _ in range(n): a @ a
    print(json.dumps({'ms': (time.perf_counter() - t0) * 1000 / n}), flush=True)
`;

/** A long-lived PyTorch process answering "step n" / "matmul n" with ms per call. */
class TorchPeer {
  private buffered = '';
  private waiters: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  private constructor(private readonly proc: ReturnType<typeof spawn>) {
    proc.stdout!.on('data', (d: Buffer) => {
      this.buffered += d.toString();
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.waiters.shift()?.resolve(line);
      }
    });
    proc.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`PyTorch peer exited (${code})`));
    });
  }

  static available(): boolean {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  static async start(V: number): Promise<TorchPeer> {
    const { context, layers, heads, dim } = BABY;
    const proc = spawn('/usr/bin/python3', ['-c', TORCH_PEER, String(THREADS), ...[V, context, layers, heads, dim, BATCH].map(String)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const peer = new TorchPeer(proc);
    await peer.next();
    return peer;
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async ms(cmd: 'step' | 'matmul', n: number): Promise<number> {
    const reply = this.next();
    this.proc.stdin!.write(`${cmd} ${n}\n`);
    return (JSON.parse(await reply) as { ms: number }).ms;
  }

  stop(): void {
    this.proc.stdin!.end();
  }
}

function corpus(): { train: Uint16Array; val: Uint16Array; vocab: number; ck?: ReturnType<typeof decodeCheckpoint> } {
  const ck = decodeCheckpoint(readFileSync(join(MODELS, 'tinygpt.bin')));
  return { ...decodeCorpus(readFileSync(join(MODELS, 'corpus.bin'))), vocab: ck.config.vocabSize, ck };
}

/** FLOPs of one training step: 6·N per token for the weights plus the attention scores and mixing. */
function stepFlops(params: number, B: number, T: number, L: number, C: number): number {
  return 6 * params * B * T + 12 * L * B * T * T * C;
}

async function trainingStep(results: BenchResult[], data: ReturnType<typeof corpus>): Promise<void> {
  const config = { ...BABY, vocabSize: data.vocab };
  const state = TrainState.create(config, { batch: BATCH, steps: 1_000_000, seed: 1 }, sharedAllocate);
  const trainer = await Trainer.start(state, { data, tokenizer: data.ck!.tokenizer, workers: THREADS });
  await trainer.step(); // warm-up
  const flops = stepFlops(state.params.length, BATCH, config.context, config.layers, config.dim);
  const oursMs = async (n: number): Promise<number> => {
    let total = 0;
    for (let i = 0; i < n; i++) total += (await trainer.step()).ms;
    return total / n;
  };
  if (!TorchPeer.available()) {
    const ms = await oursMs(5);
    await trainer.dispose();
    console.log(`tinygpt: PyTorch peer skipped — /usr/bin/python3 has no torch (apt-get install python3-torch libopenblas0-pthread to compare). LLM Lab: ${ms.toFixed(0)} ms/step, ${(flops / ms / 1e6).toFixed(2)} GFLOP/s`);
    return;
  }
  const torch = await TorchPeer.start(data.vocab);
  await torch.ms('step', 1);
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 5; round++) {
    const a = await oursMs(2);
    const b = await torch.ms('step', 2);
    ours.push(a);
    theirs.push(b);
    ratios.push(a / b);
  }
  await torch.ms('matmul', 2);
  const peakMs = median([await torch.ms('matmul', 5), await torch.ms('matmul', 5), await torch.ms('matmul', 5)]);
  torch.stop();
  await trainer.dispose();
  const peak = (2 * 2048 ** 3) / peakMs / 1e6;
  const gflops = flops / median(ours) / 1e6;
  results.push({
    name: 'tinygpt: training step vs PyTorch CPU (baby, 12×64 tokens, AdamW, 2 threads)',
    ratio: median(ratios),
    detail: `LLM Lab ${median(ours).toFixed(0)} ms vs PyTorch ${median(theirs).toFixed(0)} ms per step (goal ≤ 1.5×); ${gflops.toFixed(2)} GFLOP/s = ${((100 * gflops) / peak).toFixed(1)} % of the float32 matmul peak ${peak.toFixed(0)} GFLOP/s (torch 2048², 2 threads); PyTorch ${(flops / median(theirs) / 1e6).toFixed(1)} GFLOP/s`,
  });
}

async function generation(results: BenchResult[], data: ReturnType<typeof corpus>): Promise<void> {
  const ck = data.ck!;
  const dir = mkdtempSync(join(tmpdir(), 'tinygpt-bench-'));
  const path = join(dir, 'tinygpt.gguf');
  await exportGgufFile(path, ck);
  const tok = new BpeTokenizer(ck.tokenizer);
  const prompt = tok.encode('The reward model');
  const n = ck.config.context - prompt.length;
  // Ours: greedy with the key/value cache the samplers use (stages/kvDecoder.ts), one thread; the prompt's prefill
  // is timed as llama.cpp's is.
  const gpt = new Gpt(ck.config, { params: ck.params });
  const V = ck.config.vocabSize;
  const generateOurs = (): number => {
    const t0 = performance.now();
    const decoder = new KvDecoder(gpt);
    for (const id of prompt) decoder.push(id);
    for (let count = 0; count < n; count++) {
      const row = decoder.logits;
      let best = 0;
      for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
      if (count < n - 1) decoder.push(best);
    }
    return (n * 1000) / (performance.now() - t0);
  };
  const { getLlama } = (await import('node-llama-cpp')) as typeof import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: ck.config.context, threads: 1 });
  const sequence = context.getSequence();
  const generateLlama = async (): Promise<number> => {
    await sequence.clearHistory();
    const t0 = performance.now();
    let count = 0;
    for await (const token of sequence.evaluate(prompt as never[], { temperature: 0, yieldEogToken: true })) {
      void token;
      if (++count === n) break;
    }
    return (count * 1000) / (performance.now() - t0);
  };
  generateOurs();
  await generateLlama();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(generateOurs());
    theirs.push(await generateLlama());
  }
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  rmSync(dir, { recursive: true, force: true });
  results.push({
    name: 'tinygpt: generation tokens/s, llama.cpp ÷ LLM Lab (1 thread, shipped model)',
    ratio: median(theirs) / median(ours),
    detail: `LLM Lab ${median(ours).toFixed(0)} tokens/s (key/value cache, as the samplers decode) vs llama.cpp ${median(theirs).toFixed(0)} tokens/s on the exported GGUF, ${n} tokens after a ${prompt.length}-token prompt`,
  });
}

async function lossAfterMinutes(results: BenchResult[], data: ReturnType<typeof corpus>): Promise<void> {
  const marks = (process.env.TINYGPT_BENCH_MINUTES ?? '1,3,10').split(',').map(Number).filter((m) => m > 0).sort((a, b) => a - b);
  const config = { ...BABY, vocabSize: data.vocab };
  // The schedule of npm run train:builtin (6,000 steps): a 600-step schedule ended at ≈ 90 s, so the 3- and 10-minute
  // marks measured a finished run, not training time.
  const state = TrainState.create(config, { batch: BATCH, steps: BUILTIN_STEPS, seed: BUILTIN_TRAIN.seed }, sharedAllocate);
  const trainer = await Trainer.start(state, { data, tokenizer: data.ck!.tokenizer, workers: THREADS, evalWindows: 64 });
  const started = performance.now();
  const reached: string[] = [];
  const initial = await trainer.evaluate();
  for (const minutes of marks) {
    while (performance.now() - started < minutes * 60_000 && state.step < state.train.steps) await trainer.step();
    reached.push(`${minutes} min: step ${state.step}, val loss ${(await trainer.evaluate()).toFixed(3)}`);
  }
  await trainer.dispose();
  const final = state.valLosses.at(-1)!.loss;
  results.push({
    name: 'tinygpt: validation loss after training from scratch, final ÷ initial',
    ratio: final / initial,
    detail: `baby model, batch 12×64, 2 threads, from ${initial.toFixed(3)} (ln V = ${Math.log(data.vocab).toFixed(3)}): ${reached.join('; ')}`,
  });
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  if (!existsSync(join(MODELS, 'tinygpt.bin')) || !existsSync(join(MODELS, 'corpus.bin'))) {
    console.log('tinygpt: skipped — media/models/tinygpt.bin or corpus.bin is missing (npm run train:builtin)');
    return results;
  }
  const data = corpus();
  await trainingStep(results, data);
  await generation(results, data);
  await lossAfterMinutes(results, data);
  return results;
}
