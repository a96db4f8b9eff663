// Hardening against hostile input (issue 14, findings 6–8), each a ratio against a baseline measured in the same run:
// - tokenizer: 'a'×100,000 (one 100,000-character pre-tokenized piece) through the worker the extension uses, vs
//   100,000 characters of the lecture's prose through the same worker; the host's event-loop lag during the long
//   job vs the lag while idle (the goal: the job returns within 1 s and the host never stalls); and the old
//   js-tiktoken merge vs ours on 'a'×4,000 (quadratic vs near-linear);
// - NDJSON: one 8 MiB line fed in 64 KiB chunks vs 8 MiB of ordinary short lines (linear: ≈ 1);
// - playground markdown: a 406K-character line of backtick runs of falling length vs plain text of the same length.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIds, loadEncoding } from '../src/lessons/tokenizer';
import { TokenizerClient } from '../src/lessons/tokenizerClient';
import { NdjsonChatDecoder } from '../src/llm/ollama/ndjsonChatDecoder';
import { parseInline } from '../src/webview-ui/playground/incrementalMarkdown';
import type { BenchResult } from './run';
import { lagDuring, median } from './timing';

const root = join(__dirname, '..');

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function tokenizer(): Promise<BenchResult[]> {
  const built = join(root, 'dist', 'tokenizerWorker.js');
  const client = new TokenizerClient(existsSync(built) ? built : join(root, 'src', 'lessons', 'tokenizerWorker.ts'));
  try {
    const prose = readdirSync(join(root, 'media', 'lecture', 'en')).map((f) => readFileSync(join(root, 'media', 'lecture', 'en', f), 'utf8')).join('\n').slice(0, 100_000);
    const run = 'a'.repeat(100_000);
    await client.tokenize('warm up', 'cl100k_base');
    const longTimes: number[] = [];
    const proseTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      longTimes.push(await timed(() => client.tokenize(run, 'cl100k_base')));
      proseTimes.push(await timed(() => client.tokenize(prose, 'cl100k_base')));
    }
    const idleLag = await lagDuring(() => new Promise((resolve) => setTimeout(resolve, 500)));
    const jobLag = await lagDuring(() => client.tokenize(run, 'cl100k_base'));
    const loaded = await loadEncoding('cl100k_base');
    const sameThreadLag = await lagDuring(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      encodeIds(loaded, run);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const short = 'a'.repeat(4_000);
    const oldMs = await timed(async () => loaded.tiktoken.encode(short, [], []));
    const newMs = median([0, 1, 2].map(() => {
      const start = performance.now();
      encodeIds(loaded, short);
      return performance.now() - start;
    }));
    const long = median(longTimes);
    return [
      { name: "tokenizer: 'a'×100,000 vs 100,000 characters of lecture prose, in the worker", ratio: long / median(proseTimes), detail: `${long.toFixed(0)} ms vs ${median(proseTimes).toFixed(0)} ms (goal: under 1,000 ms)` },
      { name: "tokenizer: the host's event-loop lag while 'a'×100,000 is tokenized vs while idle", ratio: jobLag / Math.max(idleLag, 1), detail: `max lag ${jobLag.toFixed(1)} ms vs ${idleLag.toFixed(1)} ms idle (${sameThreadLag.toFixed(0)} ms if it ran on the host's thread)` },
      { name: "tokenizer: js-tiktoken's own merge vs ours on 'a'×4,000 (same ids)", ratio: oldMs / newMs, detail: `${oldMs.toFixed(0)} ms vs ${newMs.toFixed(1)} ms` },
    ];
  } finally {
    client.dispose();
  }
}

function ndjson(): BenchResult {
  const size = 8 * 1024 * 1024;
  const content = 'x'.repeat(size - 100);
  const longLine = Buffer.from(`${JSON.stringify({ message: { content }, done: false })}\n${JSON.stringify({ done: true })}\n`);
  const shortLine = `${JSON.stringify({ message: { content: 'x'.repeat(60) }, done: false })}\n`;
  const short = Buffer.from(shortLine.repeat(Math.floor(size / shortLine.length)) + `${JSON.stringify({ done: true })}\n`);
  const feed = (bytes: Buffer): number => {
    const start = process.cpuUsage();
    const decoder = new NdjsonChatDecoder({});
    for (let i = 0; i < bytes.length; i += 65536) decoder.push(bytes.subarray(i, i + 65536));
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  const a = median([0, 1, 2].map(() => feed(longLine)));
  const b = median([0, 1, 2].map(() => feed(short)));
  return { name: 'ndjson: one 8 MiB line vs 8 MiB of short lines, 64 KiB chunks (CPU)', ratio: a / b, detail: `${a.toFixed(0)} ms vs ${b.toFixed(0)} ms (was 7.9 s for the long line)`, max: 3 };
}

function markdown(): BenchResult {
  let line = '';
  for (let n = 900; n >= 1; n--) line += `${'`'.repeat(n)}a`;
  const plain = 'word '.repeat(Math.ceil(line.length / 5)).slice(0, line.length);
  const time = (s: string): number =>
    median([0, 1, 2, 3, 4].map(() => {
      const start = process.cpuUsage();
      parseInline(s);
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    }));
  const a = time(line);
  const b = time(plain);
  return { name: `markdown: a ${line.length}-character line of backtick runs vs plain text of the same length`, ratio: a / Math.max(b, 0.5), detail: `${a.toFixed(1)} ms vs ${b.toFixed(1)} ms (was 10.5–22 s)` };
}

export async function run(): Promise<BenchResult[]> {
  return [...(await tokenizer()), ndjson(), markdown()];
}
