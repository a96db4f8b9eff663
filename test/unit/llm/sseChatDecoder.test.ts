import assert from 'node:assert/strict';
import { SseChatDecoder } from '../../../src/llm/openaiCompatible/sseChatDecoder';
import { LlmError, StreamEvent } from '../../../src/llm/types';

const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

const STREAM =
  chunk({ role: 'assistant', content: '' }) +
  chunk({ reasoning_content: '想' }) +
  chunk({ content: 'Hello' }) +
  ': keep-alive\n\n' +
  chunk({ content: ' 世界' }) +
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n` +
  'data: [DONE]\n\n';

function decodeAll(parts: Uint8Array[]): { events: StreamEvent[]; decoder: SseChatDecoder } {
  const decoder = new SseChatDecoder({ url: 'http://127.0.0.1:1/v1' });
  const events: StreamEvent[] = [];
  for (const part of parts) events.push(...decoder.push(part));
  events.push(...decoder.end());
  decoder.finish();
  return { events, decoder };
}

describe('llm: SSE chat decoder (pure)', () => {
  const bytes = new TextEncoder().encode(STREAM);
  const whole = decodeAll([bytes]);

  it('sse decoder: the whole stream gives reasoning, text, finish reason and usage', () => {
    assert.deepEqual(whole.events, [
      { type: 'reasoning', text: '想' },
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' 世界' },
    ]);
    assert.equal(whole.decoder.state.finishReason, 'stop');
    assert.deepEqual(whole.decoder.state.usage, { promptTokens: 3, completionTokens: 2, totalTokens: 5 });
    assert.equal(whole.decoder.sawDone, true);
  });

  it('sse decoder: a split at every byte position (and one byte per chunk) gives the same events', () => {
    for (let i = 1; i < bytes.length; i++) {
      const { events, decoder } = decodeAll([bytes.subarray(0, i), bytes.subarray(i)]);
      assert.deepEqual(events, whole.events, `split at byte ${i}`);
      assert.equal(decoder.state.finishReason, 'stop', `split at byte ${i}`);
    }
    const single = decodeAll([...bytes].map((b) => Uint8Array.of(b)));
    assert.deepEqual(single.events, whole.events);
  });

  it('sse decoder: CR-only line endings, a BOM, `data:` without a space and multi-line data', () => {
    const text = '\ufeffdata:{"choices":[{"index":0,"delta":{"content":"a"}}]}\r\rdata: {"choices":[{"index":0,\ndata: "delta":{"content":"b"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
    const { events } = decodeAll([new TextEncoder().encode(text)]);
    assert.deepEqual(events, [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('sse decoder: data after [DONE] is ignored; `[DONE]` without its blank line still ends the stream', () => {
    const text = chunk({ content: 'x' }) + chunk({}, 'stop') + 'data: [DONE]';
    const { events, decoder } = decodeAll([new TextEncoder().encode(text)]);
    assert.deepEqual(events, [{ type: 'text', text: 'x' }]);
    assert.equal(decoder.sawDone, true);
  });

  it('sse decoder: a body that ends without finish_reason or [DONE] is a badResponse', () => {
    const decoder = new SseChatDecoder({ url: 'http://127.0.0.1:9/v1' });
    assert.deepEqual(decoder.push(new TextEncoder().encode(chunk({ content: 'half' }))), [{ type: 'text', text: 'half' }]);
    assert.deepEqual(decoder.end(), []);
    assert.throws(() => decoder.finish(), (e: unknown) => e instanceof LlmError && e.kind === 'badResponse' && /ended before the model finished/.test(e.message));
  });
  it('sse decoder: coalesce joins the deltas one push completes, per kind and in order, and still counts every delta', () => {
    const decoder = new SseChatDecoder({ url: 'http://127.0.0.1:1/v1' }, { coalesce: true });
    const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
    const first = decoder.push(enc(chunk({ reasoning_content: 'a' }) + chunk({ reasoning_content: 'b' }) + chunk({ content: 'H' }) + chunk({ content: 'i' }) + chunk({ content: ' 世' }).slice(0, 20)));
    assert.deepEqual(first, [
      { type: 'reasoning', text: 'ab' },
      { type: 'text', text: 'Hi' },
    ]);
    // The next push starts a new event even of the same kind; the event cut by the first push completes here.
    const second = decoder.push(enc(chunk({ content: ' 世' }).slice(20) + chunk({ content: '界' }) + chunk({}, 'stop')));
    assert.deepEqual(second, [{ type: 'text', text: ' 世界' }]);
    assert.equal(decoder.deltas, 6);
    assert.deepEqual(whole.events, decodeAll([bytes]).events, 'without the option every delta is its own event');
  });
});
