import assert from 'node:assert/strict';
import { NgramModel, ngramTokens, trainLanguageModel } from '../../../src/lessons/ngramModel';
import type { WidgetRequest, WidgetRequests } from '../../../src/lessons/widgetProtocol';
import { createWidgetRequestHandler, handleWidgetRequest, parseWidgetRequest } from '../../../src/lessons/widgetRequestHandler';
import { answerRequest, createRequester, type RequestEnvelope } from '../../../src/webview/protocol';

const model = new NgramModel(trainLanguageModel(['the cat sat on the mat.', 'the cat ate the fish.', 'the cat sat on the log.'].map(ngramTokens)));
const deps = { ngram: async (lang: string) => (lang === 'en' ? model : undefined) };

describe('widget request handler', function () {
  this.timeout(30_000);

  it('tokenize: answers with the tokenizer result', async () => {
    const result = await handleWidgetRequest({ type: 'tokenize', text: 'hello world', encoding: 'cl100k_base' }, deps);
    assert.deepEqual(result, { ok: true, value: { encoding: 'cl100k_base', count: 2, tokens: [{ id: 15339, text: 'hello' }, { id: 1917, text: ' world' }] } });
  });

  it('nextTokens: top-k from the n-gram model, k capped at 50', async () => {
    const result = await handleWidgetRequest({ type: 'nextTokens', prefix: 'the cat', k: 2, lang: 'en' }, deps);
    assert.ok(result.ok);
    const value = result.value as { tokens: { token: string }[] };
    assert.equal(value.tokens[0].token, ' sat');
    assert.equal(value.tokens.length, 2);
    const parsed = parseWidgetRequest({ type: 'nextTokens', prefix: '', k: 1e6, lang: 'en' });
    assert.ok(parsed.ok && parsed.request.type === 'nextTokens' && parsed.request.k === 50);
  });

  it('sample: same seed, same text; defaults filled; greedy at temperature 0', async () => {
    const request = { type: 'sample', prefix: 'the', temperature: 1.2, topK: 0, topP: 1, seed: 5, lang: 'en', maxTokens: 6 };
    const a = await handleWidgetRequest(request, deps);
    const b = await handleWidgetRequest(request, deps);
    assert.deepEqual(a, b);
    const greedy = await handleWidgetRequest({ ...request, temperature: 0 }, deps);
    assert.ok(greedy.ok && (greedy.value as { text: string }).text.startsWith(' cat sat'));
  });

  it('refuses malformed or out-of-range requests with a message, never throws', async () => {
    const bad: unknown[] = [
      null,
      'tokenize',
      { type: 'evil' },
      { type: 'tokenize', text: 5, encoding: 'cl100k_base' },
      { type: 'tokenize', text: 'x', encoding: 'gpt2' },
      { type: 'tokenize', text: 'x'.repeat(100_001), encoding: 'cl100k_base' },
      { type: 'nextTokens', prefix: 'x', k: 3, lang: 'fr' },
      { type: 'nextTokens', prefix: 'x', k: 0, lang: 'en' },
      { type: 'nextTokens', prefix: 'x', k: 3, lang: 'en', topP: 0 },
      { type: 'sample', prefix: 'x', temperature: -1, topK: 0, topP: 1, seed: 1, lang: 'en' },
      { type: 'sample', prefix: 'x', temperature: 1, topK: 0, topP: 1, seed: 'a', lang: 'en' },
      { type: 'sample', prefix: 'x', temperature: Number.NaN, topK: 0, topP: 1, seed: 1, lang: 'en' },
    ];
    for (const request of bad) {
      const result = await handleWidgetRequest(request, deps);
      assert.equal(result.ok, false, JSON.stringify(request));
      assert.ok(!result.ok && result.error.length > 0);
    }
  });

  it('reports a missing language model instead of failing', async () => {
    const result = await handleWidgetRequest({ type: 'nextTokens', prefix: '我', k: 3, lang: 'zh-cn' }, deps);
    assert.deepEqual(result, { ok: false, error: 'no built-in model for zh-cn' });
  });

  it('webview requester ↔ answerRequest: the answer reaches the promise that asked, typed by the request', async () => {
    const posted: RequestEnvelope<WidgetRequest>[] = [];
    const requester = createRequester<WidgetRequests>((m) => posted.push(m));
    const handler = createWidgetRequestHandler(deps);
    // The response type follows from `type`: `first` is a TokenizeResult, `second` a NextTokensResult.
    const first = requester.request({ type: 'tokenize', text: 'hello world', encoding: 'cl100k_base' });
    const second = requester.request({ type: 'nextTokens', prefix: 'x', k: 1, lang: 'zh-cn' });
    assert.equal(posted.length, 2);
    for (const envelope of [...posted].reverse()) assert.equal(requester.handleMessage(await answerRequest(envelope, handler)), true);
    const tokens: { id: number }[] = (await first).tokens;
    assert.deepEqual(tokens.map((t) => t.id), [15339, 1917]);
    await assert.rejects(second.then((r) => r.tokens), /no built-in model/);
    assert.equal(requester.handleMessage({ type: 'somethingElse' }), false);
  });

  it('requester: a request nobody answers is rejected after the timeout, and a late answer is ignored', async () => {
    const posted: RequestEnvelope<WidgetRequest>[] = [];
    const requester = createRequester<WidgetRequests>((m) => posted.push(m), 20);
    const pending = requester.request({ type: 'sample', prefix: 'x', temperature: 1, topK: 0, topP: 1, seed: 1, lang: 'en' });
    await assert.rejects(pending, /request "sample" timed out/);
    assert.equal(requester.handleMessage({ type: 'response', requestId: posted[0].requestId, ok: true, data: {} }), true);
  });

  it('answerRequest: a missing handler and a throwing one answer with an error, never throw', async () => {
    const envelope: RequestEnvelope = { type: 'request', requestId: 7, payload: {} };
    assert.deepEqual(await answerRequest(envelope, undefined), { type: 'response', requestId: 7, ok: false, error: 'no handler for this request' });
    assert.deepEqual(await answerRequest(envelope, async () => { throw new Error('boom'); }), { type: 'response', requestId: 7, ok: false, error: 'boom' });
  });

  it('lecture-panel handler shape: resolves the data, rejects with the error text', async () => {
    const handler = createWidgetRequestHandler(deps);
    assert.equal(((await handler({ type: 'tokenize', text: 'hello world', encoding: 'o200k_base' })) as { count: number }).count, 2);
    await assert.rejects(handler({ type: 'tokenize', text: 'x', encoding: 'nope' }), /encoding must be one of/);
  });
});
