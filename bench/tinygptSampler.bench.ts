// The host's event loop while the shipped tiny GPT samples 200 tokens: on the host's own thread (what the
// built-in provider did before) the loop waits for the whole sample; through the sampling thread
// (src/tinygpt/samplerClient.ts) its longest delay should be a small share of that. Ratio = the longest
// delay with the thread / the in-thread sample's duration, both measured here in the same run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '../src/tinygpt/checkpoint';
import { SamplerClient } from '../src/tinygpt/samplerClient';
import { PolicySampler } from '../src/tinygpt/stages/policySampler';
import type { BenchResult } from './run';
import { lagDuring } from './timing';

const root = join(__dirname, '..');
const shippedPath = join(root, 'media', 'models', 'tinygpt.bin');
const options = { temperature: 0, maxTokens: 200 };
const prompt = 'The capital of France is';

export async function run(): Promise<BenchResult[]> {
  const sampler = new PolicySampler(decodeCheckpoint(readFileSync(shippedPath)));
  sampler.sample(prompt, options);
  let started = performance.now();
  const inThreadTokens = sampler.sample(prompt, options).tokens.length;
  const inThreadMs = performance.now() - started;

  const client = new SamplerClient(join(root, 'src', 'tinygpt', 'samplerWorker.ts'));
  try {
    await client.run({ type: 'sample', path: shippedPath, mode: 'continue', prompt, options });
    let tokens = 0;
    started = performance.now();
    const delayMs = await lagDuring(async () => {
      tokens = (await client.run({ type: 'sample', path: shippedPath, mode: 'continue', prompt, options })).tokens.length;
    });
    const threadMs = performance.now() - started;
    return [{
      name: 'tinygpt sampler: host event-loop delay during a 200-token sample (thread) / the sample on the host',
      ratio: delayMs / inThreadMs,
      max: 0.1,
      detail: `longest delay ${delayMs.toFixed(1)} ms while the thread sampled ${tokens} tokens in ${threadMs.toFixed(0)} ms; on the host ${inThreadTokens} tokens held the loop ${inThreadMs.toFixed(0)} ms`,
    }];
  } finally {
    client.dispose();
  }
}
