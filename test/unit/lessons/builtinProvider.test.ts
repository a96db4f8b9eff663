import assert from 'node:assert/strict';
import { BUILTIN_DEFAULT_MODELS, BuiltinProvider, builtinLang, TINYGPT_MODEL } from '../../../src/lessons/builtinProvider';
import { NgramModel, ngramTokens, trainLanguageModel } from '../../../src/lessons/ngramModel';
import { createNgramSource, staticNgramSource } from '../../../src/lessons/ngramSource';
import { LlmError, type ChatRequest, type StreamEvent } from '../../../src/llm/types';

const en = new NgramModel(trainLanguageModel(['the cat sat on the mat.', 'the cat ate the fish.', 'a dog sat on the log.'].map(ngramTokens)));
const zh = new NgramModel(trainLanguageModel(['我喜欢语言模型。', '语言模型预测下一个字。'].map(ngramTokens)));
const provider = new BuiltinProvider(staticNgramSource({ en, 'zh-cn': zh }), () => 'en');

async function collect(request: ChatRequest, signal = new AbortController().signal): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of provider.chat(request, signal)) events.push(event);
  return events;
}

describe('built-in provider (n-gram model as a ChatProvider)', () => {
  it('a request without a model gets its language\'s default (BUILTIN_DEFAULT_MODELS); the n-gram while no tiny GPT is connected', async () => {
    const withGpt = new BuiltinProvider(staticNgramSource({ en, 'zh-cn': zh }), () => 'en');
    const asked: string[] = [];
    withGpt.useTinyGpt((id) => {
      asked.push(id);
      return Promise.resolve({ sample: () => ({ text: ' GPT', tokens: [{ token: ' GPT', text: ' GPT', p: 0.5, top: [{ token: ' GPT', p: 0.5 }] }], finish: 'length' as const, promptTokens: 2 }) });
    });
    const modelOf = async (p: BuiltinProvider, content: string): Promise<string> => {
      let model = '';
      for await (const e of p.chat({ messages: [{ role: 'user', content }], temperature: 0, maxTokens: 1 }, new AbortController().signal)) if (e.type === 'done') model = e.model ?? '';
      return model;
    };
    const expected = (lang: 'en' | 'zh-cn'): string => (BUILTIN_DEFAULT_MODELS[lang] === TINYGPT_MODEL ? TINYGPT_MODEL : `ngram-${lang}`);
    assert.equal(await modelOf(withGpt, 'the cat'), expected('en'));
    assert.equal(await modelOf(withGpt, '语言模型'), expected('zh-cn'));
    assert.deepEqual(asked, (['en', 'zh-cn'] as const).filter((l) => BUILTIN_DEFAULT_MODELS[l] === TINYGPT_MODEL).map(() => TINYGPT_MODEL));
    assert.equal(withGpt.defaultModel, expected('en'));
    // Not connected (plain Node, or before the tiny GPT registers): every language falls back to its n-gram.
    assert.equal(await modelOf(provider, 'the cat'), 'ngram-en');
    assert.equal(provider.defaultModel, 'ngram-en');
  });

  it('continues the last user message, one text event per token, then usage and done', async () => {
    const events = await collect({ messages: [{ role: 'system', content: 'ignored' }, { role: 'user', content: 'the cat' }], temperature: 0, maxTokens: 3 });
    const text = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text);
    assert.deepEqual(text, [' sat', ' on', ' the']);
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    assert.equal((done as { finishReason: string }).finishReason, 'length');
    assert.equal((done as { model: string }).model, 'ngram-en');
    assert.deepEqual(events.find((e) => e.type === 'usage'), { type: 'usage', promptTokens: 2, completionTokens: 3, totalTokens: 5 });
  });

  it('emits logprobs with the top alternatives per generated token when asked', async () => {
    const events = await collect({ messages: [{ role: 'user', content: 'the cat' }], temperature: 0, maxTokens: 2, logprobs: true, topLogprobs: 3 });
    const logprobs = events.filter((e): e is Extract<StreamEvent, { type: 'logprobs' }> => e.type === 'logprobs');
    assert.equal(logprobs.length, 2);
    const first = logprobs[0].tokens[0];
    assert.equal(first.token, ' sat');
    assert.equal(first.top.length, 3);
    assert.equal(first.top[0].token, ' sat');
    assert.ok(Math.abs(first.logprob - Math.log(en.probability('the cat', ' sat'))) < 1e-12);
    assert.ok(first.top.every((alt) => alt.logprob <= 0));
    const plain = await collect({ messages: [{ role: 'user', content: 'the cat' }], temperature: 0, maxTokens: 2 });
    assert.equal(plain.some((e) => e.type === 'logprobs'), false);
  });

  it('a fixed seed reproduces the stream', async () => {
    const request: ChatRequest = { messages: [{ role: 'user', content: 'the' }], temperature: 1.5, seed: 11, maxTokens: 8 };
    assert.deepEqual((await collect(request)).filter((e) => e.type === 'text'), (await collect(request)).filter((e) => e.type === 'text'));
  });

  it('picks the Chinese model for a Chinese prompt or model name', async () => {
    assert.equal(builtinLang(undefined, '语言', 'en'), 'zh-cn');
    assert.equal(builtinLang('ngram-en', '语言', 'zh-cn'), 'en');
    assert.equal(builtinLang(undefined, '', 'zh-cn'), 'zh-cn');
    const events = await collect({ messages: [{ role: 'user', content: '语言' }], temperature: 0, maxTokens: 2 });
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join(''), '模型');
    assert.deepEqual(await provider.listModels(new AbortController().signal), ['ngram-en', 'ngram-zh-cn']);
  });

  it("answers to the SPEC's model 'ngram' in the prompt's language", async () => {
    for (const [prompt, text, model] of [['the cat', ' sat', 'ngram-en'], ['语言', '模', 'ngram-zh-cn']]) {
      const events = await collect({ model: 'ngram', messages: [{ role: 'user', content: prompt }], temperature: 0, maxTokens: 1 });
      assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join(''), text);
      assert.equal((events.at(-1) as { model: string }).model, model);
    }
  });

  it('stops at a stop sequence', async () => {
    const events = await collect({ messages: [{ role: 'user', content: 'the cat' }], temperature: 0, maxTokens: 10, stop: [' the'] });
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join(''), ' sat on');
    assert.equal((events.at(-1) as { finishReason: string }).finishReason, 'stop');
  });

  it('throws LlmError: cancelled on abort, notFound for an unknown model, noProvider without a model file', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(collect({ messages: [{ role: 'user', content: 'the' }] }, controller.signal), (e: unknown) => e instanceof LlmError && e.kind === 'cancelled');
    await assert.rejects(collect({ model: 'gpt-4', messages: [{ role: 'user', content: 'the' }] }), (e: unknown) => e instanceof LlmError && e.kind === 'notFound');
    const broken = new BuiltinProvider(createNgramSource(async () => {
      throw new Error('ENOENT');
    }));
    await assert.rejects(
      (async () => {
        for await (const _ of broken.chat({ messages: [{ role: 'user', content: 'x' }] }, new AbortController().signal)) void _;
      })(),
      (e: unknown) => e instanceof LlmError && e.kind === 'noProvider',
    );
  });

  it('cancelling mid-stream stops before the next token', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of provider.chat({ messages: [{ role: 'user', content: 'the' }], temperature: 0, maxTokens: 10 }, controller.signal)) {
          if (e.type === 'text') {
            seen.push(e.text);
            controller.abort();
          }
        }
      })(),
      (e: unknown) => e instanceof LlmError && e.kind === 'cancelled',
    );
    assert.equal(seen.length, 1);
  });
});

describe('n-gram source (lazy model loading)', () => {
  it('reads the file once, on first use, and builds only the language asked for', async () => {
    let reads = 0;
    const compact = { format: 'llm-lab-ngram', version: 1, order: 3, smoothing: 'interpolated-kneser-ney', langs: { en: trainLanguageModel([ngramTokens('the cat sat.')]) } };
    const source = createNgramSource(async () => {
      reads++;
      return JSON.parse(JSON.stringify(compact));
    });
    assert.equal(reads, 0, 'nothing read before the first request');
    const a = await source.model('en');
    const b = await source.model('en');
    assert.ok(a && a === b);
    assert.equal(await source.model('zh-cn'), undefined);
    assert.deepEqual(await source.languages(), ['en']);
    assert.equal(reads, 1);
  });

  it('retries after a failed read and rejects a file of the wrong format', async () => {
    let fail = true;
    const source = createNgramSource(async () => {
      if (fail) throw new Error('ENOENT');
      return { format: 'something-else' };
    });
    await assert.rejects(source.model('en'), /ENOENT/);
    fail = false;
    await assert.rejects(source.model('en'), /format\/version mismatch/);
  });
});
