import assert from 'node:assert/strict';
import { createParser } from 'eventsource-parser';
import { chatObjectEvents, ChatStreamState, SseChatDecoder } from '../../../src/llm/openaiCompatible/sseChatDecoder';
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

  /** The decoder before its fast paths: every block through eventsource-parser, every event through JSON.parse. */
const reference = (text: string, ended = true): { out: StreamEvent[]; state: ChatStreamState; done: boolean; failed: boolean } => {
    const out: StreamEvent[] = [];
    const state: ChatStreamState = {};
    let done = false;
    let failed = false;
    let ending = false;
    const parser = createParser({
      onEvent: ({ data, event }) => {
        if (failed || done) return;
        if (data === '[DONE]') return void (done = true);
        if (event === 'error') return void (failed = true);
        if (!data || !data.trim()) return;
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          if (!ending) failed = true;
          return;
        }
        if (typeof json !== 'object' || json === null || Array.isArray(json)) return void (failed = true);
        try {
          chatObjectEvents(json as Record<string, unknown>, state, out, {});
        } catch {
          failed = true;
        }
      },
      onError: (error) => {
        if (!failed && !done && error.type === 'unknown-field' && error.field === 'error') failed = true;
      },
    });
    parser.feed(text);
    ending = true;
    if (ended) parser.feed('\n\n');
    return { out, state, done, failed };
  };

  it('sse decoder: random streams (comments, event and id lines, multi-line data, CR/CRLF, BOMs, errors, [DONE], cut ends) decode as eventsource-parser + JSON.parse alone decode them', () => {
    let seed = 17;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const contents = ['', 'x', ' w1', 'a"b', 'line\nbreak', '世界', '😀', '\ud83d', '\\', ' '.repeat(30)];
    const openai = (delta: object, finish: string | null = null): string =>
      JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], obfuscation: pick(contents) });
    const common = [() => `data: ${openai({ content: pick(contents) + pick(contents) })}`];
    const rare = [
      () => `data:${openai({ content: pick(contents) })}`,
      () => ': keep-alive',
      () => `event: message\ndata: ${openai({ content: pick(contents) })}`,
      () => `id: 7\ndata: ${openai({ content: pick(contents) })}`,
      () => 'data: {"choices":[{"index":0,\ndata: "delta":{"content":"multi"}}]}',
      () => 'retry: 1000',
      () => '',
      () => `data: ${openai({ reasoning_content: pick(contents) })}`,
      () => `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })}`,
      () => `data: ${openai({}, 'stop')}`,
      () => 'data:  {"choices":[]}',
    ];
    const fatal = [() => 'data: [DONE]', () => 'event: error\ndata: {"error":{"message":"boom"}}', () => 'error: {"message":"bare"}', () => 'data: {"choices":[', () => 'data: [1]'];

    for (let round = 0; round < 300; round++) {
      const blocks: string[] = [];
      for (let i = Math.floor(random() * 80); i > 0; i--) blocks.push(random() < 0.8 ? pick(common)() : pick(rare)());
      if (random() < 0.3) blocks.splice(Math.floor(random() * (blocks.length + 1)), 0, pick(fatal)());
      const eol = random() < 0.8 ? '\n' : pick(['\r\n', '\r']);
      let text = blocks.map((b) => `${b.replace(/\n/g, eol)}${eol}${eol}`).join('');
      if (random() < 0.2) text = text.slice(0, Math.floor(random() * text.length));
      if (random() < 0.1) text = `${pick(['\ufeff', 'ï»¿'])}${text}`;
      const bytes = new TextEncoder().encode(text);
      // The reference reads the text as a TextDecoder hands it on (a leading U+FEFF dropped, a cut surrogate pair replaced).
      const expected = reference(new TextDecoder().decode(bytes));
      const decoder = new SseChatDecoder({});
      const events: StreamEvent[] = [];
      let failed = false;
      try {
        for (let at = 0; at < bytes.length; ) {
          const size = random() < 0.2 ? 1 : 1 + Math.floor(random() * 3000);
          events.push(...decoder.push(bytes.subarray(at, at + size)));
          at += size;
        }
        events.push(...decoder.end());
        decoder.finish();
      } catch (error) {
        assert.ok(error instanceof LlmError, String(error));
        failed = !/ended before the model finished|instead of an event stream/.test(error.message);
        if (failed) events.push(...decoder.end());
      }
      const context = JSON.stringify(text.slice(0, 300));
      assert.equal(failed, expected.failed, `failure, stream ${context}`);
      if (failed) continue;
      assert.deepEqual(events, expected.out, `events, stream ${context}`);
      assert.deepEqual(decoder.state, expected.state, `state, stream ${context}`);
      assert.equal(decoder.sawDone, expected.done, `[DONE], stream ${context}`);
    }
  });

  it('sse decoder: every event comes out of the push() that completes it, also split across chunks and by keep-alives', () => {
    const blocks = [
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'a' } }] })}`,
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'b' } }] })}`,
      ': keep-alive',
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'c"' } }] })}`,
      `event: message\ndata: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'd' } }] })}`,
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'e' } }] })}`,
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}`,
      'data: [DONE]',
    ];
    const text = blocks.map((b) => `${b}\n\n`).join('');
    const bytes = new TextEncoder().encode(text);
    for (const step of [1, 2, 7, 50]) {
      const decoder = new SseChatDecoder({});
      const events: StreamEvent[] = [];
      for (let at = 0; at < bytes.length && !decoder.sawDone; at += step) {
        events.push(...decoder.push(bytes.subarray(at, at + step)));
        const sofar = reference(new TextDecoder().decode(bytes.subarray(0, at + step)), false);
        assert.deepEqual(events, sofar.out, `after ${at + step} bytes (${step} per push)`);
        assert.equal(decoder.sawDone, sofar.done);
      }
      assert.equal(decoder.sawDone, true);
    }
  });
});
