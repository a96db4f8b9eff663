// Lessons speed, each as a ratio against a baseline measured in the same run (CPU time, see paired()):
// - tokenizer: our tokenize() (ids + exact token texts) on the whole lecture text vs js-tiktoken's own encode
//   with the same loaded encoder (budget ≤ 1.2×), for cl100k_base and for r50k_base (which splits most
//   Chinese characters into byte tokens, the wrapper's worst case);
// - n-gram: one next-token query (full distribution over the vocabulary + top-k) vs one pass over a
//   vocabulary-sized array (the least any full-distribution top-k must do), and loading the model vs
//   JSON.parse of its file;
// - widget maths for a first render (attention mask and counts, PPO trajectory, ranking loss, scaling) vs
//   one 60 Hz frame (16.7 ms).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainNgramFromMedia } from '../scripts/trainNgram';
import { attendedPairs, attentionMask, countAttended } from '../src/lessons/attentionPatterns';
import { NgramModel, type CompactModel } from '../src/lessons/ngramModel';
import { DEFAULT_SETUP, trainPolicy } from '../src/lessons/ppoToy';
import { rankingLoss } from '../src/lessons/rankingLoss';
import { approxParams, computeOptimal, exactParams, GPT_MODELS, trainingFlops } from '../src/lessons/scaling';
import { topIndexes } from '../src/lessons/sampling';
import { encodeIds, loadEncoding, tokenizeWith, type EncodingName } from '../src/lessons/tokenizer';
import type { BenchResult } from './run';
import { median } from './timing';

const root = join(__dirname, '..');

/**
 * Runs a and b alternately and returns the median time of each and the median of the per-round ratios a/b.
 * Time is this process's CPU time (user + system), not wall time: the machines these run on are shared,
 * and CPU time is far less disturbed by other processes.
 */
function paired(a: () => void, b: () => void, rounds = 9): { a: number; b: number; ratio: number } {
  a();
  b();
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  const cpu = (fn: () => void) => {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  for (let i = 0; i < rounds; i++) {
    // Alternate the order too, so neither side always runs on a warmer cache.
    let x: number;
    let y: number;
    if (i % 2 === 0) {
      x = cpu(a);
      y = cpu(b);
    } else {
      y = cpu(b);
      x = cpu(a);
    }
    ta.push(x);
    tb.push(y);
    ratios.push(x / y);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

function lectureText(): string {
  const parts: string[] = [];
  for (const lang of ['en', 'zh-cn']) {
    const dir = join(root, 'media', 'lecture', lang);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) parts.push(readFileSync(join(dir, f), 'utf8'));
  }
  return parts.join('\n\n');
}

async function tokenizerBench(text: string, encoding: EncodingName): Promise<BenchResult> {
  const started = process.hrtime.bigint();
  const loaded = await loadEncoding(encoding);
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  let count = 0;
  const m = paired(
    () => {
      count = tokenizeWith(loaded, encoding, text).count;
    },
    () => {
      encodeIds(loaded, text);
    },
  );
  return {
    name: `lessons: tokenize lecture text (${encoding}) vs js-tiktoken encode`,
    ratio: m.ratio,
    max: 1.2,
    detail: `${text.length.toLocaleString('en')} chars → ${count.toLocaleString('en')} tokens; ours ${m.a.toFixed(1)} ms, raw ${m.b.toFixed(1)} ms; first use (rank table load) ${loadMs.toFixed(0)} ms`,
  };
}

function ngramBench(compact: CompactModel): BenchResult[] {
  const en = compact.langs.en;
  if (!en) return [];
  const json = JSON.stringify(compact);
  let model: NgramModel | undefined;
  const load = paired(
    () => {
      const c = JSON.parse(json) as CompactModel;
      model = new NgramModel(c.langs.en!);
    },
    () => {
      JSON.parse(json);
    },
    5,
  );
  const prefixes = ['The reward model', 'A language model predicts the', 'In-context learning', 'zebra unknown words', 'ChatGPT is'];
  const V = model!.vocabSize;
  const scratch = new Float64Array(V).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const queries = 200;
  const query = paired(
    () => {
      for (let i = 0; i < queries; i++) model!.nextTokens(prefixes[i % prefixes.length], 10);
    },
    () => {
      for (let i = 0; i < queries; i++) topIndexes(Float64Array.from(scratch), 10);
    },
  );
  return [
    {
      name: 'lessons: n-gram next-token query vs one top-k pass over the vocabulary',
      ratio: query.ratio,
      detail: `${((query.a / queries) * 1000).toFixed(0)} µs per query (vocabulary ${V}, trigram + backoff + top-10), baseline ${((query.b / queries) * 1000).toFixed(0)} µs`,
    },
    {
      name: 'lessons: n-gram model load (en) vs JSON.parse of ngram.json',
      ratio: load.ratio,
      detail: `${load.a.toFixed(0)} ms to build the English model on first use; parse alone ${load.b.toFixed(1)} ms; file ${(json.length / 1024).toFixed(0)} KB`,
    },
  ];
}

function widgetMathsBench(): BenchResult {
  const frame = 1000 / 60;
  const parts: Record<string, number> = {};
  const time = (name: string, fn: () => void) => {
    fn();
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      fn();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    parts[name] = median(samples);
  };
  time('attention', () => {
    countAttended(attentionMask('strided', 64, { stride: 8 }));
    attendedPairs('strided', 1024, { stride: 32 });
  });
  time('ppo', () => void trainPolicy(DEFAULT_SETUP, { beta: 0.5, gamma: 0 }, { steps: 400, every: 10 }));
  time('ranking-loss', () => void rankingLoss([2.1, 1.4, -0.3, -1.2, 0.5, 0.1, 0.9, -2, 3]));
  time('scaling', () => {
    for (const m of GPT_MODELS) void (approxParams(m.layers, m.dModel) + exactParams(m));
    computeOptimal(trainingFlops(175e9, 300e9));
  });
  const worst = Object.entries(parts).sort((a, b) => b[1] - a[1])[0];
  return {
    name: 'lessons: slowest widget maths for a first render vs one 60 Hz frame',
    ratio: worst[1] / frame,
    max: 1,
    detail: Object.entries(parts).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join(', '),
  };
}

export async function run(): Promise<BenchResult[]> {
  const text = lectureText();
  const results: BenchResult[] = [];
  results.push(await tokenizerBench(text, 'cl100k_base'));
  results.push(await tokenizerBench(text, 'r50k_base'));
  const compactPath = join(root, 'dist', 'content', 'ngram.json');
  let compact: CompactModel;
  try {
    compact = JSON.parse(readFileSync(compactPath, 'utf8')) as CompactModel;
  } catch {
    compact = trainNgramFromMedia(join(root, 'media'));
  }
  results.push(...ngramBench(compact));
  results.push(widgetMathsBench());
  return results;
}
