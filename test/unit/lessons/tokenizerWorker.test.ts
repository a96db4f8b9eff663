import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIds, ENCODINGS, loadEncoding, type EncodingName } from '../../../src/lessons/tokenizer';
import { MAX_TOKENIZE_CHARS, TokenizerClient } from '../../../src/lessons/tokenizerClient';
import { handleWidgetRequest } from '../../../src/lessons/widgetRequestHandler';

const root = join(__dirname, '..', '..', '..');
const WORKER = join(root, 'src', 'lessons', 'tokenizerWorker.ts');
/** js-tiktoken itself: the reference the fast merge must equal. */
const reference = async (encoding: EncodingName, text: string): Promise<number[]> => (await loadEncoding(encoding)).tiktoken.encode(text, [], []);

function lectureText(): string {
  const parts: string[] = [];
  for (const lang of ['en', 'zh-cn']) {
    const dir = join(root, 'media', 'lecture', lang);
    for (const file of readdirSync(dir).sort()) parts.push(readFileSync(join(dir, file), 'utf8'));
  }
  return parts.join('\n');
}

describe('tokenizer: exact fast merge and the worker thread', function () {
  this.timeout(120_000);

  describe('exactness (identical ids to js-tiktoken)', () => {
    const lecture = lectureText();
    const code = ['src/lessons/tokenizer.ts', 'src/llm/http.ts', 'test/server/modelServer.ts', 'package.json'].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
    const prose = readFileSync(join(root, 'README.md'), 'utf8');

    for (const encoding of ENCODINGS) {
      it(`tokenizer: the lecture (EN + ZH), code and prose give js-tiktoken's ids exactly (${encoding})`, async () => {
        const loaded = await loadEncoding(encoding);
        for (const [name, text] of [['lecture', lecture], ['code', code], ['prose', prose]] as const) {
          const ids = encodeIds(loaded, text);
          assert.ok(ids.length > 1000, name);
          assert.deepEqual(ids, await reference(encoding, text), `${name} differs`);
        }
      });

      it(`tokenizer: long runs without spaces and random mixed text give js-tiktoken's ids (${encoding})`, async () => {
        const loaded = await loadEncoding(encoding);
        let seed = 7;
        const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        const alphabet = ['a', 'b', 'e', 'x', ' ', '  ', '\n', '1', '23', '的', '模型', 'é', '😀', '.', "'s", 'THE', '\t', '<|endoftext|>'];
        const samples = ['a'.repeat(1500), 'ab'.repeat(700), Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join(''), ' '.repeat(900) + 'x'];
        for (let round = 0; round < 150; round++) {
          let text = '';
          const length = Math.floor(random() * 60);
          for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
          samples.push(text);
        }
        for (const text of samples) assert.deepEqual(encodeIds(loaded, text), await reference(encoding, text), JSON.stringify(text.slice(0, 80)));
      });
    }
  });

  describe('worker', () => {
    let client: TokenizerClient;
    beforeEach(() => {
      client = new TokenizerClient(WORKER);
    });
    afterEach(() => client.dispose());

    it('tokenizer worker: a 100,000-character run without spaces is tokenized exactly, and the host keeps running meanwhile', async () => {
      await client.tokenize('warm up', 'cl100k_base');
      const text = 'a'.repeat(100_000);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      try {
        const result = await client.tokenize(text, 'cl100k_base');
        assert.equal(result.tokens.map((t) => t.text).join(''), text);
        assert.equal(result.count, result.tokens.length);
        assert.deepEqual(result.tokens.slice(0, 3).map((t) => t.id), encodeIds(await loadEncoding('cl100k_base'), 'a'.repeat(24)).slice(0, 3));
      } finally {
        clearInterval(ticker);
      }
      // On this thread the encoder would have held the event loop for the whole job: no tick at all.
      assert.ok(ticks >= 2, `the host's timers ran ${ticks} times during the job`);
    });

    it('tokenizer worker: results equal tokenizing on this thread (ids, texts, split-character bytes)', async () => {
      const { tokenize } = await import('../../../src/lessons/tokenizer');
      const text = '哈尔滨是一座美丽城市。 Harbin is a beautiful city. 😀👍🏽 e\u0301';
      for (const encoding of ENCODINGS) assert.deepEqual(await client.tokenize(text, encoding), await tokenize(text, encoding));
    });

    it('tokenizer worker: text over the cap is refused without starting the worker', async () => {
      await assert.rejects(client.tokenize('a'.repeat(MAX_TOKENIZE_CHARS + 1), 'cl100k_base'), /longer than/);
      assert.equal(client.starts, 0);
    });

    it('tokenizer worker: a job over its time limit fails, and the next job gets a fresh worker', async () => {
      const slow = new TokenizerClient(WORKER, { timeoutMs: 1 });
      try {
        await assert.rejects(slow.tokenize('a'.repeat(200_000), 'o200k_base'), /longer than/);
      } finally {
        slow.dispose();
      }
      await client.tokenize('x', 'r50k_base');
      await client.tokenize('y', 'r50k_base');
      assert.equal(client.starts, 1, 'one worker serves consecutive jobs');
    });

    it('tokenizer worker: dispose fails the jobs still waiting', async () => {
      const pending = client.tokenize('b'.repeat(300_000), 'r50k_base');
      client.dispose();
      await assert.rejects(pending, /disposed/);
    });

    it('widgets: a tokenize request goes to the tokenizer the handler is given', async () => {
      const result = await handleWidgetRequest({ type: 'tokenize', text: 'hello world', encoding: 'cl100k_base' }, { ngram: async () => undefined, tokenize: (text, encoding) => client.tokenize(text, encoding) });
      assert.ok(result.ok);
      assert.equal(client.starts, 1);
    });
  });
});
