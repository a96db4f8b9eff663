/**
 * npm run train:builtin — trains the tiny GPT that ships in the .vsix, deterministically (fixed seed,
 * fixed corpus split, fixed number of steps, worker threads with a fixed summation order):
 *   1. byte-level BPE (2,048 ids) learned from the training split of the project's own text,
 *   2. the "baby" GPT (4 layers, 4 heads, d = 128, context 64) pre-trained on it with AdamW,
 *   3. media/models/tinygpt.bin: float16 weights + tokenizer + how it was trained (≤ 3 MB),
 *      media/models/corpus.bin: the tokenized train / validation streams (for training in the editor).
 * Flags: --steps N (default 6,000), --vocab V (BPE size, default 2,048), --dropout P (default 0.2: at 6,000 steps 0.2 scored 1.878 / 1.984 bits per byte EN / ZH, 0.1 scored 1.882 / 2.006; at 2,400 steps 0.1 under-fit), --out DIR, --seed S, --checkpoint PATH
 * (the full f32 checkpoint written every 50 steps, default in the temp folder), --resume (continue from it).
 * It ends by printing bits per byte on the lecture's held-out text, the transformer vs the trigram.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainBpe } from '../src/tinygpt/bpe';
import { decodeCheckpoint, encodeCheckpoint } from '../src/tinygpt/checkpoint';
import { BABY, BUILTIN_STEPS, BUILTIN_TRAIN, BUILTIN_VOCAB } from '../src/tinygpt/config';
import { encodeCorpus } from '../src/tinygpt/corpusFile';
import { loadCorpus, splitCorpus, tokenizeDocuments } from '../src/tinygpt/corpus';
import { lectureBitsPerByte } from '../src/tinygpt/lectureBitsPerByte';
import { sharedAllocate, Trainer } from '../src/tinygpt/trainer';
import { TrainState } from '../src/tinygpt/training';

const root = join(__dirname, '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<void> {
  const steps = Number(arg('steps') ?? BUILTIN_STEPS);
  const vocab = Number(arg('vocab') ?? BUILTIN_VOCAB);
  const seed = Number(arg('seed') ?? BUILTIN_TRAIN.seed);
  const dropout = Number(arg('dropout') ?? BUILTIN_TRAIN.dropout);
  const outDir = arg('out') ?? join(root, 'media', 'models');
  const fullPath = arg('checkpoint') ?? join(tmpdir(), 'llmlab-tinygpt-builtin.ckpt');
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();

  const docs = loadCorpus(root);
  const split = splitCorpus(docs);
  const tokenizer = trainBpe(split.train, vocab);
  const encode = (t: string): number[] => tokenizer.encode(t);
  const data = {
    train: tokenizeDocuments(split.train, encode, tokenizer.endOfText),
    val: tokenizeDocuments(split.val, encode, tokenizer.endOfText),
  };
  const trainBytes = Buffer.byteLength(split.train.join(''));
  const valBytes = Buffer.byteLength(split.val.join(''));
  console.log(`[train:builtin] corpus: ${docs.length} documents, ${data.train.length} train / ${data.val.length} val tokens (vocab ${tokenizer.vocabSize}), ${Date.now() - started} ms`);

  const config = { ...BABY, vocabSize: tokenizer.vocabSize };
  const trainConfig = { ...BUILTIN_TRAIN, steps, seed, dropout };
  let state: TrainState;
  if (process.argv.includes('--resume')) {
    state = TrainState.fromCheckpoint(decodeCheckpoint(readFileSync(fullPath)), trainConfig, sharedAllocate);
    console.log(`[train:builtin] resuming ${fullPath} at step ${state.step}`);
  } else state = TrainState.create(config, trainConfig, sharedAllocate);
  console.log(`[train:builtin] ${state.params.length} parameters, ${steps} steps of ${trainConfig.batch}×${config.context} tokens`);

  const trainer = await Trainer.start(state, {
    data, tokenizer: tokenizer.toJSON(), workers: 2, evalEvery: 50, evalWindows: 64,
    checkpointPath: fullPath, checkpointEvery: 50,
    onStep: (i) => {
      if (i.step % 10 === 0) console.log(`[train:builtin] step ${i.step} loss ${i.loss.toFixed(4)} lr ${i.lr.toExponential(2)} |g| ${i.gradNorm.toFixed(2)} ${i.ms.toFixed(0)} ms ${i.tokensPerSecond.toFixed(0)} tok/s`);
    },
    onEval: (step, loss) => console.log(`[train:builtin] step ${step} val loss ${loss.toFixed(4)}`),
  });
  const result = await trainer.run();
  await trainer.dispose();

  const tail = state.losses.slice(-20);
  const trainLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
  const valLoss = state.valLosses.at(-1)?.loss ?? NaN;
  const ck = state.toCheckpoint(tokenizer.toJSON(), false);
  ck.meta = {
    trainedBy: 'npm run train:builtin',
    steps: state.step, batch: trainConfig.batch, seed, dropout, tokensSeen: state.tokensSeen,
    trainLoss, valLoss,
    trainingSeconds: Math.round(state.elapsedMs / 1000), wallSeconds: Math.round((Date.now() - started) / 1000),
    corpus: { documents: docs.length, trainTokens: data.train.length, valTokens: data.val.length, trainBytes, valBytes },
  };
  ck.progress = undefined;
  const bytes = encodeCheckpoint(ck, 'f16');
  writeFileSync(join(outDir, 'tinygpt.bin'), bytes);
  writeFileSync(join(outDir, 'corpus.bin'), encodeCorpus(data));
  // The acceptance figure: the f16 weights as shipped vs the trigram, on the lecture's held-out tails.
  const bpb = lectureBitsPerByte(decodeCheckpoint(bytes), docs);
  for (const [lang, b] of Object.entries(bpb)) console.log(`[train:builtin] held-out lecture (${lang}, ${b.bytes} B): transformer ${b.transformer.toFixed(3)} bits/byte, trigram ${b.ngram.toFixed(3)}`);
  console.log(`[train:builtin] ${result.status}: ${state.step} steps, train loss ${trainLoss.toFixed(4)}, val loss ${valLoss.toFixed(4)}, ${Math.round(state.elapsedMs / 1000)} s training, ${Math.round((Date.now() - started) / 1000)} s total; tinygpt.bin ${bytes.length} B`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
