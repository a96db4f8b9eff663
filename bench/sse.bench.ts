/**
 * Client-side cost of the SSE chat stream. The test model server runs in its own process (as a real
 * server would) and sends one write per token; in the same run we time
 *   raw:    fetch + reading every byte of the body, nothing else;
 *   parsed: the OpenAI-compatible provider (fetch, watchdog, UTF-8 decoding, SSE blocks, JSON or a learned
 *           chunk template per event, typed events) consumed through collectChat with a listener.
 * Ratio parsed/raw ≤ 1.3 is the target; parsed(2N)/parsed(N) ≈ 2 shows it is linear.
 */
import { join } from 'node:path';
import { startModelServerProcess } from '../test/server/modelServerProcess';
import { collectChat } from '../src/llm/collect';
import { HttpClient } from '../src/llm/http';
import { OpenAiCompatibleProvider } from '../src/llm/openaiCompatible/openAiCompatibleProvider';
import { SseChatDecoder } from '../src/llm/openaiCompatible/sseChatDecoder';

const TOKENS = 50_000;
// 100,000 tokens are ≈ 20 MB of SSE, above the default 16 MB llmLab.maxResponseMegabytes cap (a setting, not what is measured).
const ROUNDS = 7;


function body(tokens: number): string {
  return JSON.stringify({ model: `tokens-${tokens}`, messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true } });
}

async function raw(baseUrl: string, tokens: number): Promise<{ ms: number; bytes: number; chunks: Uint8Array[] }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(tokens) });
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    chunks.push(value);
  }
  return { ms: performance.now() - started, bytes, chunks };
}

async function parsed(provider: OpenAiCompatibleProvider, tokens: number): Promise<number> {
  const started = performance.now();
  let events = 0;
  const result = await collectChat(provider, provider.chat({ model: `tokens-${tokens}`, messages: [{ role: 'user', content: 'go' }] }, new AbortController().signal), () => {
    events++;
  });
  const ms = performance.now() - started;
  // Text deltas of one network chunk come as one event: count the tokens in the text.
  const texts = result.text.match(/ w\d+/g)?.length ?? 0;
  if (texts !== tokens || result.finishReason !== 'stop' || events < 2) throw new Error(`expected ${tokens} tokens, got ${texts}`);
  return ms;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
// The fastest of several rounds: other load on the machine only ever adds time.
const best = (values: number[]): number => Math.min(...values);

export async function run(): Promise<{ name: string; ratio: number; detail: string }[]> {
  const { child, origin } = await startModelServerProcess(join(__dirname, '..'));
  try {
    const baseUrl = `${origin}/v1`;
    const provider = new OpenAiCompatibleProvider(baseUrl, new HttpClient({ timeoutMs: () => 60_000, maxResponseBytes: () => 256 * 1024 * 1024 }));
    await raw(baseUrl, 2000);
    await parsed(provider, 2000);
    const rawMs: number[] = [];
    const parsedMs: number[] = [];
    const doubleMs: number[] = [];
    let bytes = 0;
    let captured: Uint8Array[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order so neither side always runs right after the other.
      if (i % 2) parsedMs.push(await parsed(provider, TOKENS));
      const r = await raw(baseUrl, TOKENS);
      rawMs.push(r.ms);
      bytes = r.bytes;
      captured = r.chunks;
      if (i % 2 === 0) parsedMs.push(await parsed(provider, TOKENS));
    }
    for (let i = 0; i < ROUNDS; i++) doubleMs.push(await parsed(provider, TOKENS * 2));
    // CPU of decoding alone, on bytes already received (what the client adds on top of reading).
    const cpuStarted = performance.now();
    const decoder = new SseChatDecoder({ url: baseUrl });
    let events = 0;
    for (const chunk of captured) events += decoder.push(chunk).length;
    decoder.end();
    const cpuMs = performance.now() - cpuStarted;

    const r = best(rawMs);
    const p = best(parsedMs);
    const d = best(doubleMs);
    const mb = bytes / 1024 / 1024;
    return [
      {
        name: 'sse: parse+dispatch vs raw read, 50,000-token stream',
        ratio: Math.round((p / r) * 100) / 100,
        detail: `raw ${r.toFixed(0)} ms, parsed ${p.toFixed(0)} ms (best of ${ROUNDS}; medians ${median(rawMs).toFixed(0)} / ${median(parsedMs).toFixed(0)} ms), ${mb.toFixed(1)} MB, ${captured.length} chunks; decoding alone ${cpuMs.toFixed(0)} ms for ${events} events (${((cpuMs * 1000) / events).toFixed(2)} µs/event); target ≤ 1.3`,
      },
      {
        name: 'sse: 100,000 vs 50,000 tokens (linearity)',
        ratio: Math.round((d / p) * 100) / 100,
        detail: `parsed ${p.toFixed(0)} ms for 50,000 tokens, ${d.toFixed(0)} ms for 100,000; target ≈ 2.0`,
      },
    ];
  } finally {
    child.kill();
  }
}

if (require.main === module) {
  void run().then((rows) => {
    for (const row of rows) console.log(`${row.name}: ${row.ratio} — ${row.detail}`);
  });
}
