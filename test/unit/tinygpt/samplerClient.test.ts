import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { BuiltinProvider, TINYGPT_MODEL } from '../../../src/lessons/builtinProvider';
import type { NgramSource } from '../../../src/lessons/ngramSource';
import { LlmError, type ChatRequest, type StreamEvent } from '../../../src/llm/types';
import { trainBpe } from '../../../src/tinygpt/bpe';
import { tinyGptSampler } from '../../../src/tinygpt/builtinTinyGpt';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/tinygpt/checkpoint';
import { initParams, paramCount } from '../../../src/tinygpt/model';
import { Rng } from '../../../src/tinygpt/rng';
import { SamplerClient, SamplerError } from '../../../src/tinygpt/samplerClient';
import { instructionToRank, LEARNER_K } from '../../../src/tinygpt/stages/learnerRankings';
import { PolicySampler } from '../../../src/tinygpt/stages/policySampler';
import { examplesFrom, type StagePaths } from '../../../src/tinygpt/stages/stageRunner';

const root = join(__dirname, '..', '..', '..');
const WORKER = join(root, 'src', 'tinygpt', 'samplerWorker.ts');
const SHIPPED = join(root, 'media', 'models', 'tinygpt.bin');

/** Polls (no fixed sleep) until check() holds. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('tiny GPT sampling thread (built-in provider models, answers to rank)', function () {
  this.timeout(120_000);
  const shipped = new PolicySampler(decodeCheckpoint(readFileSync(SHIPPED)));
  const dir = mkdtempSync(join(tmpdir(), 'tinygpt-sampler-'));
  let client: SamplerClient;

  // A small tuned-looking checkpoint of its own (random weights) for the instruction template.
  const tokenizer = trainBpe(['The reward model scores answers. 奖励模型给回答打分。', 'PPO keeps the policy near SFT.'], 290);
  const config = { vocabSize: tokenizer.vocabSize, context: 32, layers: 1, heads: 2, dim: 16 };
  const params = new Float32Array(paramCount(config));
  initParams(config, params, new Rng(8));
  const tunedPath = join(dir, 'ppo.bin');
  writeFileSync(tunedPath, encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), params }));
  const tuned = new PolicySampler(decodeCheckpoint(readFileSync(tunedPath)));

  beforeEach(() => {
    client = new SamplerClient(WORKER);
  });
  afterEach(() => client.dispose());
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sampler thread: the same continuation as the in-thread sampler for a seed, in English and Chinese', async () => {
    for (const prompt of ['The capital of France is', '床前明月光，疑是地上']) {
      const options = { temperature: 1, seed: 7, maxTokens: 20, alternatives: 5 };
      const result = await client.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt, options });
      assert.deepEqual(result, shipped.sample(prompt, options));
      assert.equal(result.promptTokens, shipped.encode(prompt).length);
    }
    // A tuned model answers in its instruction template; the prompt counted is the templated one.
    const options = { temperature: 0.8, seed: 3, maxTokens: 12 };
    const answer = await client.run({ type: 'sample', path: tunedPath, mode: 'answer', prompt: 'What is PPO?', options });
    assert.deepEqual(answer, tuned.answer('What is PPO?', options));
    assert.equal(answer.promptTokens, tuned.encode(PolicySampler.prompt('What is PPO?', 'en')).length);
    assert.equal(client.starts, 1, 'one thread served every job');
  });

  it('sampler thread: more tokens than the context (64) slide the window and keep going', async () => {
    const options = { temperature: 0, maxTokens: 150 };
    const r = await client.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'Attention', options });
    assert.equal(r.tokens.length, 150);
    assert.equal(r.tokens.map((t) => t.text).join(''), r.text);
    assert.deepEqual(r.tokens, shipped.sample('Attention', options).tokens);
  });

  it('sampler thread: the answers to rank are the SFT model\'s K samples for the n-th instruction', async () => {
    const paths = { content: join(root, 'media') } as StagePaths;
    const got = await client.run({ type: 'answersToRank', path: SHIPPED, paths, n: 2, lang: 'zh-cn' });
    const split = examplesFrom(paths);
    const example = instructionToRank([...split.train, ...split.heldOut], 'zh-cn', 2)!;
    const answers = Array.from({ length: LEARNER_K }, (_, k) => shipped.answer(example.instruction, { temperature: 1, maxTokens: 24, seed: 2 * LEARNER_K + k + 1 }).text.trim());
    assert.deepEqual(got, { prompt: example.instruction, answers });
  });

  it("built-in provider: 'tinygpt' streams the shipped model's continuation with logprobs and alternatives, and is listed", async () => {
    const noNgram: NgramSource = { model: () => Promise.resolve(undefined), languages: () => Promise.resolve([]) };
    const provider = new BuiltinProvider(noNgram);
    provider.useTinyGpt((id) => Promise.resolve(id === TINYGPT_MODEL ? tinyGptSampler(client, id, SHIPPED, 'continue') : undefined));
    const request: ChatRequest = { model: 'tinygpt', messages: [{ role: 'user', content: 'The capital of France is' }], temperature: 0, maxTokens: 8, logprobs: true, topLogprobs: 5 };
    const events: StreamEvent[] = [];
    for await (const e of provider.chat(request, new AbortController().signal)) events.push(e);
    const expected = shipped.sample('The capital of France is', { temperature: 0, maxTokens: 8 });
    const texts = events.filter((e): e is Extract<StreamEvent, { type: 'text' }> => e.type === 'text').map((e) => e.text);
    assert.equal(texts.join(''), expected.text);
    assert.equal(texts.length, 8, 'one text event per token');
    const logprobs = events.filter((e): e is Extract<StreamEvent, { type: 'logprobs' }> => e.type === 'logprobs').map((e) => e.tokens[0]);
    assert.deepEqual(logprobs.map((t) => t.token), expected.tokens.map((t) => t.text));
    for (const [i, t] of logprobs.entries()) {
      assert.equal(t.top.length, 5);
      assert.equal(t.top[0].token, expected.tokens[i].token, 'greedy: the chosen token is the top alternative');
      assert.ok(Math.abs(t.logprob - Math.log(expected.tokens[i].p)) < 1e-9);
    }
    assert.deepEqual(events.find((e) => e.type === 'usage'), { type: 'usage', promptTokens: shipped.encode('The capital of France is').length, completionTokens: 8, totalTokens: shipped.encode('The capital of France is').length + 8 });
    assert.equal((events.at(-1) as { model?: string }).model, 'tinygpt');
    assert.deepEqual(await provider.listModels(new AbortController().signal), ['tinygpt']);
  });

  it('sampler: stop is read before every token (the flag a cancel sets lands mid-sample)', () => {
    let asked = 0;
    const r = shipped.sample('The model', { temperature: 1, seed: 1, maxTokens: 100 }, () => ++asked > 5);
    assert.equal(r.tokens.length, 5);
  });

  it('sampler thread: a cancel rejects at once as cancelled, frees the thread for the next job and leaves no listener', async () => {
    const longJob = { type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The', options: { temperature: 0, maxTokens: 400 } } as const;
    let started = performance.now();
    assert.equal((await client.run(longJob)).tokens.length, 400);
    const wholeMs = performance.now() - started;
    const controller = new AbortController();
    const long = client.run(longJob, controller.signal);
    started = performance.now();
    const next = client.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The', options: { temperature: 0, maxTokens: 3 } });
    controller.abort();
    await assert.rejects(long, (e: unknown) => e instanceof SamplerError && e.kind === 'cancelled');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.equal((await next).tokens.length, 3);
    // Had the thread finished the cancelled 400 tokens first, the next job would have waited as long as they take.
    const nextMs = performance.now() - started;
    assert.ok(nextMs < wholeMs / 2, `the next job took ${nextMs.toFixed(0)} ms; 400 tokens take ${wholeMs.toFixed(0)} ms`);
    assert.equal(client.starts, 1, 'a cancel does not cost the thread');
    await assert.rejects(client.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'x', options: {} }, AbortSignal.abort()), (e: unknown) => e instanceof SamplerError && e.kind === 'cancelled');
  });

  it('built-in provider: aborting while the thread samples ends the chat with LlmError cancelled', async () => {
    const provider = new BuiltinProvider({ model: () => Promise.resolve(undefined), languages: () => Promise.resolve([]) });
    provider.useTinyGpt((id) => Promise.resolve(tinyGptSampler(client, id, SHIPPED, 'continue')));
    const controller = new AbortController();
    const chat = (async () => {
      for await (const e of provider.chat({ model: 'tinygpt', messages: [{ role: 'user', content: 'The' }], maxTokens: 400 }, controller.signal)) void e;
    })();
    controller.abort();
    await assert.rejects(chat, (e: unknown) => e instanceof LlmError && e.kind === 'cancelled');
  });

  it('bad or missing checkpoint: a clear LlmError naming the model and the file; the thread keeps serving', async () => {
    const missing = tinyGptSampler(client, 'tinygpt', join(dir, 'nowhere.bin'), 'continue');
    await assert.rejects(async () => missing.sample('x', {}, new AbortController().signal), (e: unknown) => e instanceof LlmError && e.kind === 'noProvider' && /"tinygpt"/.test(e.message) && e.message.includes(join(dir, 'nowhere.bin')) && /does not exist/.test(e.message));
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, 'not a checkpoint at all');
    const bad = tinyGptSampler(client, 'tinygpt-sft', garbage, 'answer');
    await assert.rejects(async () => bad.sample('x', {}, new AbortController().signal), (e: unknown) => e instanceof LlmError && e.kind === 'noProvider' && e.message.includes(garbage) && /Not a tiny GPT checkpoint: bad magic/.test(e.message));
    const good = await tinyGptSampler(client, 'tinygpt', SHIPPED, 'continue').sample('The', { maxTokens: 2 }, new AbortController().signal);
    assert.equal(good.tokens.length, 2);
    // Through the provider, as runDemo would see it.
    const provider = new BuiltinProvider({ model: () => Promise.resolve(undefined), languages: () => Promise.resolve([]) });
    provider.useTinyGpt(() => Promise.resolve(missing));
    await assert.rejects(
      (async () => {
        for await (const e of provider.chat({ model: 'tinygpt', messages: [{ role: 'user', content: 'x' }] }, new AbortController().signal)) void e;
      })(),
      (e: unknown) => e instanceof LlmError && e.kind === 'noProvider' && /does not exist/.test(e.message),
    );
  });

  it('sampler thread: a job over its time limit ends the thread with a timeout; idle and dispose leave no thread', async () => {
    const slow = new SamplerClient(WORKER, { timeoutMs: 50 });
    try {
      await assert.rejects(slow.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The', options: { maxTokens: 400 } }), (e: unknown) => e instanceof SamplerError && e.kind === 'timeout');
      assert.equal(slow.running, false);
    } finally {
      slow.dispose();
    }
    const idle = new SamplerClient(WORKER, { idleMs: 20 });
    try {
      await idle.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The', options: { maxTokens: 1 } });
      await until(() => !idle.running, 'the idle thread ends');
      await idle.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The', options: { maxTokens: 1 } });
      assert.equal(idle.starts, 2, 'the next job starts a new thread');
    } finally {
      idle.dispose();
    }
    assert.equal(idle.running, false);
    await assert.rejects(idle.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The', options: {} }), (e: unknown) => e instanceof SamplerError && e.kind === 'disposed');
  });

  it("host thread: the client holds no model code, and the host's timers keep running during a 200-token sample", async () => {
    const built = await esbuild.build({
      entryPoints: [join(root, 'src', 'tinygpt', 'builtinTinyGpt.ts')], bundle: true, write: false, metafile: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'silent',
    });
    const inputs = Object.keys(built.metafile.inputs);
    assert.ok(inputs.some((f) => f.endsWith('samplerClient.ts')), 'the bundle is the client');
    for (const modelCode of ['model.ts', 'kvDecoder.ts', 'ops.ts', 'checkpoint.ts', 'policySampler.ts', 'bpe.ts']) {
      assert.ok(!inputs.some((f) => f.endsWith(`/${modelCode}`)), `${modelCode} is not on the host's side`);
    }
    await client.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'warm', options: { maxTokens: 1 } });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      const r = await client.run({ type: 'sample', path: SHIPPED, mode: 'continue', prompt: 'The model', options: { temperature: 1, seed: 4, maxTokens: 200 } });
      assert.equal(r.tokens.length, 200);
    } finally {
      clearInterval(ticker);
    }
    // On this thread the sample would have held the event loop throughout: no tick at all.
    assert.ok(ticks >= 2, `the host's timers ran ${ticks} times during the sample`);
  });
});
