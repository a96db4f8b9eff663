import assert from 'node:assert/strict';
import { ChunkReader, ChunkTemplate, ChunkTemplates } from '../../../src/llm/chunkTemplate';
import { NdjsonChatDecoder, ollamaObjectEvents, OllamaStreamState } from '../../../src/llm/ollama/ndjsonChatDecoder';
import { chatObjectEvents, ChatStreamState, SseChatDecoder } from '../../../src/llm/openaiCompatible/sseChatDecoder';
import { StreamEvent } from '../../../src/llm/types';

const readChat: ChunkReader<ChatStreamState> = (json, state, out) => chatObjectEvents(json, state, out, {});
const readOllama: ChunkReader<OllamaStreamState> = (json, state, out) => ollamaObjectEvents(json, state, out, {});

/** An OpenAI chunk as OpenAI sends it (with its per-chunk `obfuscation` padding). */
const openai = (content: string, obfuscation = 'x1', extra: object = {}): string =>
  JSON.stringify({ id: 'chatcmpl-7', object: 'chat.completion.chunk', created: 1733390000, model: 'gpt-x', system_fingerprint: 'fp_1', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }], usage: null, obfuscation, ...extra });
const ollama = (content: string, at = '2025-01-01T00:00:00.000Z'): string => JSON.stringify({ model: 'qwen', created_at: at, message: { role: 'assistant', content }, done: false });

/** What the reader makes of `text` through JSON.parse, or undefined where that path fails. */
function reference<S extends object>(text: string, read: ChunkReader<S>): { out: StreamEvent[]; state: S } | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
    const state = {} as S;
    const out: StreamEvent[] = [];
    read(json as Record<string, unknown>, state, out);
    return { out, state };
  } catch {
    return undefined;
  }
}

/** A matched chunk must mean exactly what JSON.parse + the reader make of it. */
function assertExact<S extends object>(template: ChunkTemplate<S>, text: string, read: ChunkReader<S>): string | undefined {
  const got = template.match(text);
  if (got === undefined) return undefined;
  const expected = reference(text, read);
  assert.ok(expected, `matched text JSON.parse rejects or the reader throws on: ${JSON.stringify(text)}`);
  assert.deepEqual(expected.out, got ? [{ type: template.kind, text: got }] : [], `events for ${JSON.stringify(text)}`);
  assert.deepEqual(expected.state, template.assigns, `state for ${JSON.stringify(text)}`);
  return got;
}

/**
 * Feeds `bytes` to a decoder in random pieces of at most `max` bytes (then `end`), counting the whole chunks
 * (objects) that went through JSON.parse; a string with escapes in a hole is JSON's to decode and not counted.
 */
function decodeCountingParses(bytes: Uint8Array, max: number, random: () => number, push: (part: Uint8Array) => StreamEvent[], end: () => StreamEvent[] = () => []): { events: StreamEvent[]; parses: number } {
  const parse = JSON.parse;
  let parses = 0;
  JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    if (text.startsWith('{')) parses++;
    return parse(text, reviver);
  }) as typeof JSON.parse;
  const events: StreamEvent[] = [];
  try {
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(random() * max);
      events.push(...push(bytes.subarray(at, at + size)));
      at += size;
    }
    events.push(...end());
  } finally {
    JSON.parse = parse;
  }
  return { events, parses };
}

const CONTENTS = ['', 'x', ' w12', 'a"b', 'back\\slash', 'line\nbreak', '\t', 'é', '世界', '😀', '\ud83d', '\u0000', '\u2028', '</script>', '{"content":"x"}', ' '.repeat(40)];
/** Other spellings JSON allows for the same strings. */
const SPELLINGS: [string, string][] = [
  ['"\\u00e9"', 'é'],
  ['"\\ud83d\\ude00"', '😀'],
  ['"a\\/b"', 'a/b'],
  ['"\\u4E16\\u754c"', '世界'],
  ['"\\ude00\\ud83d"', '\ude00\ud83d'],
];

describe('llm: chunk templates (pure)', () => {
  it('template: learned from an OpenAI chunk, ids, fingerprint and obfuscation are holes, the model literal; content comes out decoded', () => {
    const template = ChunkTemplate.learn(openai(' w0'), readChat)!;
    assert.ok(template);
    assert.equal(template.kind, 'text');
    assert.deepEqual(template.assigns, { model: 'gpt-x' });
    for (const content of CONTENTS) assert.equal(assertExact(template, openai(content, `o${content.length}`), readChat), content);
    const base = openai('PLACEHOLDER');
    for (const [spelled, value] of SPELLINGS) assert.equal(assertExact(template, base.replace('"PLACEHOLDER"', spelled), readChat), value);
    assert.equal(template.match(openai('x').replace('"chatcmpl-7"', '"chatcmpl-8"')), 'x');
  });

  it('template: anything but the learned shape with valid strings in the holes does not match', () => {
    const template = ChunkTemplate.learn(openai('a'), readChat)!;
    const good = openai('hello');
    const misses = [
      good.replace('"gpt-x"', '"gpt-y"'),
      good.replace('"finish_reason":null', '"finish_reason":"stop"'),
      good.replace('"created":1733390000', '"created":1733390001'),
      good.replace('"logprobs":null', '"logprobs":{"content":[]}'),
      good.replace('{"content"', '{ "content"'),
      good.replace('"hello"', '"hel\u0001lo"'),
      good.replace('"hello"', '"hel\\xlo"'),
      good.replace('"hello"', '"hel\\u12"'),
      good.replace('"hello"', 'null'),
      good.replace('"hello"', '"a","content":"b"'),
      `${good} `,
      `${good}x`,
      good.slice(0, -1),
      good.slice(0, good.indexOf('hello') + 3),
      openai('hello', 'x1', { usage: { completion_tokens: 1 } }),
      openai('hello', 'x1', { error: { message: 'boom' } }),
    ];
    for (const text of misses) assert.equal(template.match(text), undefined, text);
  });

  it('templates: a stream of matching chunks assigns the state once, and again after a chunk read through JSON.parse wrote to it', () => {
    const templates = new ChunkTemplates(readChat);
    templates.learn(openai('a'));
    let writes = 0;
    const state = new Proxy<ChatStreamState>({}, {
      set: (target, key, value) => {
        writes++;
        return Reflect.set(target, key, value);
      },
    });
    for (let i = 0; i < 100; i++) {
      assert.equal(templates.match(openai(` w${i}`)), ` w${i}`);
      templates.applyLast(state);
    }
    assert.equal(writes, 1, 'the template assigns its one field (model) once for 100 chunks');
    assert.equal(state.model, 'gpt-x');
    // Another model's chunk goes through JSON.parse and the reader writes to the state; the next match assigns again.
    const other = openai('b').replace('"gpt-x"', '"gpt-y"');
    assert.equal(templates.match(other), undefined);
    templates.stateWritten();
    readChat(JSON.parse(other) as Record<string, unknown>, state, []);
    assert.equal(state.model, 'gpt-y');
    assert.equal(templates.match(openai('c')), 'c');
    templates.applyLast(state);
    assert.equal(state.model, 'gpt-x');
    assert.equal(writes, 3);
  });

  it('sse decoder: a chunk read through JSON.parse between matched ones leaves the state as JSON.parse alone would, after every push', () => {
    const block = (model: string, content: string): string => `data: ${openai(content).replace('"gpt-x"', JSON.stringify(model))}\n\n`;
    const blocks = [block('m', 'a'), block('m', 'b'), block('m', 'c'), block('other', 'd'), block('m', 'e'), block('m', 'f'), block('other', 'g')];
    for (const coalesce of [false, true]) {
      const decoder = new SseChatDecoder({}, { coalesce });
      for (const [i, text] of blocks.entries()) {
        decoder.push(new TextEncoder().encode(text));
        assert.equal(decoder.state.model, JSON.parse(text.slice(6)).model, `after block ${i} (coalesce ${coalesce})`);
      }
    }
  });

  it('template: nothing is learned from a chunk without exactly one text or reasoning event', () => {
    assert.equal(ChunkTemplate.learn(openai(''), readChat), undefined);
    assert.equal(ChunkTemplate.learn(JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }), readChat), undefined);
    assert.equal(ChunkTemplate.learn(JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: 'r', content: 'c' } }] }), readChat), undefined);
    assert.equal(ChunkTemplate.learn(JSON.stringify({ choices: [{ index: 0, delta: { content: 'c' }, logprobs: { content: [{ token: 'c', logprob: -1, top_logprobs: [] }] } }] }), readChat), undefined);
    assert.equal(ChunkTemplate.learn(JSON.stringify({ error: { message: 'x' }, choices: [{ index: 0, delta: { content: 'c' } }] }), readChat), undefined);
  });

  it('template: a whole SSE block matches with the one optional space the SSE grammar drops, and not with another', () => {
    const plain = ChunkTemplate.learn(openai('a'), readChat)!;
    const data = openai('hi');
    const blocks: [string, string | undefined][] = [
      [`data: ${data}\n\n`, 'hi'],
      [`data:${data}\n\n`, 'hi'],
      [`data:  ${data}\n\n`, undefined],
      [`data: ${data}\n`, undefined],
      [`data: ${data}\r\n\r\n`, undefined],
      [`data: ${data} \n\n`, undefined],
      [`xdata: ${data}\n\n`, undefined],
      [`data: ${data.replace('"hi"', '"h\\u0069"')}\n\n`, 'hi'],
      [`data: ${data.replace('"hi"', '"h\\x69"')}\n\n`, undefined],
    ];
    for (const [block, text] of blocks) assert.equal(plain.matchBlock(block, 0), text, JSON.stringify(block));
    // Learned from a chunk that starts with a space (sent as `data:  {…}`): the block needs both spaces.
    const spaced = ChunkTemplate.learn(` ${openai('a')}`, readChat)!;
    assert.equal(spaced.matchBlock(`data:  ${data}\n\n`, 0), 'hi');
    assert.equal(spaced.matchBlock(`data: ${data}\n\n`, 0), undefined);
    assert.equal(spaced.matchBlock(`data:${data}\n\n`, 0), undefined);
    // A block inside a chunk, and where it ends.
    const two = `data: ${openai('x')}\n\ndata: ${data}\n\ndata: [DONE]\n\n`;
    assert.equal(plain.matchBlock(two, two.indexOf('data: ', 1)), 'hi');
    assert.equal(plain.blockEnd, two.indexOf('data: [DONE]'));
    assert.equal(plain.matchBlock(two, plain.blockEnd), undefined);
  });

  it('sse decoder: blocks with one space, none or two after `data:` give the events JSON.parse gives', () => {
    const datas = [openai('a'), openai('b'), ` ${openai('c')}`, openai('d'), ` ${openai('e')}`, ` ${openai('f')}`, openai('g')];
    const spacing = ['', ' ', ' ', '', ' ', '', ' '];
    const expected: StreamEvent[] = [];
    for (const data of datas) chatObjectEvents(JSON.parse(data) as Record<string, unknown>, {}, expected, {});
    const text = `${datas.map((d, i) => `data:${spacing[i]}${d}\n\n`).join('')}data: [DONE]\n\n`;
    const decoder = new SseChatDecoder({});
    const events = [...decoder.push(new TextEncoder().encode(text)), ...decoder.end()];
    assert.deepEqual(events, expected);
  });

  it('templates: a decoder learns from short chunks only (learning a long one would cost more than it saves)', () => {
    const short = new ChunkTemplates(readChat);
    short.learn(openai('a'));
    assert.equal(short.match(openai('b')), 'b');
    const long = new ChunkTemplates(readChat);
    long.learn(openai('x'.repeat(5000)));
    assert.equal(long.match(openai('y'.repeat(5000))), undefined);
  });

  it('template: reasoning deltas, a duplicate key (the last one counts) and the choice with index 0 among others', () => {
    const reasoning = ChunkTemplate.learn(JSON.stringify({ choices: [{ index: 0, delta: { content: null, reasoning_content: 'think' } }] }), readChat)!;
    assert.equal(reasoning.kind, 'reasoning');
    assert.equal(assertExact(reasoning, JSON.stringify({ choices: [{ index: 0, delta: { content: null, reasoning_content: 'more' } }] }), readChat), 'more');
    // The first "content" is overridden: a hole whose value nothing reads.
    const duplicate = ChunkTemplate.learn('{"choices":[{"index":0,"delta":{"content":"a","content":"b"}}]}', readChat)!;
    assert.equal(assertExact(duplicate, '{"choices":[{"index":0,"delta":{"content":"z","content":"y"}}]}', readChat), 'y');
    const second = ChunkTemplate.learn('{"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]}', readChat)!;
    assert.equal(assertExact(second, '{"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"next"}}]}', readChat), 'next');
  });

  it('template: Ollama lines — the timestamp is a hole, the model and done:false literal', () => {
    const template = ChunkTemplate.learn(ollama('a'), readOllama)!;
    assert.deepEqual(template.assigns, { model: 'qwen' });
    for (const content of CONTENTS) assert.equal(assertExact(template, ollama(content, `2025-01-01T00:00:0${content.length % 10}.000Z`), readOllama), content);
    assert.equal(template.match(JSON.stringify({ model: 'qwen', created_at: 'x', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' })), undefined);
  });

  it('template: random edits of matching chunks never match unless JSON.parse and the reader say the same', () => {
    let seed = 11;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const alphabet = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', 'a', '0', 'u', '\u0001', 'é', 'n', 'null'];
    const cases: [ChunkTemplate<object>, (content: string, other: string) => string, ChunkReader<object>][] = [
      [ChunkTemplate.learn(openai('seed'), readChat)!, (c, o) => openai(c, o), readChat],
      [ChunkTemplate.learn(ollama('seed'), readOllama)!, (c, o) => ollama(c, o), readOllama],
    ];
    let matched = 0;
    for (const [template, make, read] of cases) {
      for (let round = 0; round < 4000; round++) {
        const text = make(pick(CONTENTS) + pick(CONTENTS), pick(CONTENTS));
        assert.notEqual(assertExact(template, text, read), undefined, `an unedited chunk must match: ${text}`);
        let edited = text;
        for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
          const at = Math.floor(random() * (edited.length + 1));
          const kind = random();
          if (kind < 0.4) edited = edited.slice(0, at) + pick(alphabet) + edited.slice(at);
          else if (kind < 0.7) edited = edited.slice(0, at) + edited.slice(at + 1);
          else edited = edited.slice(0, at) + pick(alphabet) + edited.slice(at + 1);
        }
        if (assertExact(template, edited, read) !== undefined) matched++;
      }
    }
    // Edits inside a hole's string keep a match: the check above ran on those too.
    assert.ok(matched > 100, `only ${matched} edited chunks matched`);
  });

  it('sse decoder: a stream of varied chunks gives the same events with its learned templates as through JSON.parse alone (which it calls far less)', () => {
    let seed = 3;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const odd = [
      () => openai(pick(CONTENTS), 'o', { extra: 1 }),
      () => openai(pick(CONTENTS)).replace('{"content"', '{ "content"'),
      () => JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: pick(CONTENTS) } }] }),
      () => JSON.stringify({ choices: [{ index: 0, delta: { content: pick(CONTENTS) }, logprobs: { content: [{ token: 't', logprob: -0.5, top_logprobs: [] }] } }] }),
      () => openai(pick(CONTENTS)).replace('"gpt-x"', '"gpt-y"'),
    ];
    const datas: string[] = [JSON.stringify({ id: 'chatcmpl-7', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })];
    for (let i = 0; i < 600; i++) datas.push(random() < 0.1 ? pick(odd)() : openai(pick(CONTENTS) + pick(CONTENTS), pick(CONTENTS)));
    datas.push(openai('', 'x', { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    datas.push(JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 600, total_tokens: 601 } }));
    const expected: StreamEvent[] = [];
    const state: ChatStreamState = {};
    for (const data of datas) chatObjectEvents(JSON.parse(data) as Record<string, unknown>, state, expected, {});

    const bytes = new TextEncoder().encode(`${datas.map((d) => `data: ${d}\n\n`).join('')}data: [DONE]\n\n`);
    const decoder = new SseChatDecoder({});
    const { events, parses } = decodeCountingParses(bytes, 3000, random, (part) => decoder.push(part), () => {
      const last = decoder.end();
      decoder.finish();
      return last;
    });
    assert.deepEqual(events, expected);
    assert.deepEqual(decoder.state, state);
    assert.equal(decoder.deltas, expected.filter((e) => e.type === 'text' || e.type === 'reasoning').length);
    assert.ok(parses < datas.length / 2, `${parses} chunks through JSON.parse of ${datas.length}`);
  });

  it('ndjson decoder: Ollama lines (a new timestamp each) give the same events with templates as through JSON.parse alone, coalesced per push', () => {
    let seed = 9;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      const odd = random() < 0.05;
      lines.push(odd ? JSON.stringify({ model: 'qwen', created_at: `t${i}`, message: { role: 'assistant', content: '', thinking: pick(CONTENTS) }, done: false }) : ollama(pick(CONTENTS) + pick(CONTENTS), `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}.${i}Z`));
    }
    lines.push(JSON.stringify({ model: 'qwen', created_at: 'end', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 500 }));
    const expected: StreamEvent[] = [];
    const state: OllamaStreamState = {};
    for (const line of lines) readOllama(JSON.parse(line) as Record<string, unknown>, state, expected);

    const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(''));
    const decoder = new NdjsonChatDecoder({});
    const { events, parses } = decodeCountingParses(bytes, 2000, random, (part) => decoder.push(part));
    // Adjacent deltas of one kind merged: what coalescing may change, and all it may change.
    const runs = (list: StreamEvent[]): StreamEvent[] =>
      list.reduce<StreamEvent[]>((merged, e) => {
        const last = merged.at(-1);
        if (last && (last.type === 'text' || last.type === 'reasoning') && last.type === e.type) last.text += e.text;
        else merged.push({ ...e });
        return merged;
      }, []);
    assert.deepEqual(runs(events), runs(expected));
    assert.ok(events.length < expected.length, 'deltas of one push come as one event per kind');
    assert.deepEqual(decoder.state, state);
    assert.equal(decoder.deltas, expected.length);
    assert.ok(parses < lines.length / 2, `${parses} lines through JSON.parse of ${lines.length}`);
  });
});
