import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareEnZh, ENCODINGS, SAMPLE_PAIR, tokenize } from '../../../src/lessons/tokenizer';

const joined = (r: { tokens: { text: string }[] }) => r.tokens.map((t) => t.text).join('');

describe('tokenizer (js-tiktoken)', function () {
  this.timeout(60_000);

  it('known ids: "hello world" in cl100k_base is [15339, 1917]', async () => {
    const r = await tokenize('hello world', 'cl100k_base');
    assert.deepEqual(r, { encoding: 'cl100k_base', count: 2, tokens: [{ id: 15339, text: 'hello' }, { id: 1917, text: ' world' }] });
  });

  it('known ids in r50k_base (GPT-2): "hello world" is [31373, 995]', async () => {
    assert.deepEqual((await tokenize('hello world', 'r50k_base')).tokens.map((t) => t.id), [31373, 995]);
  });

  it('token texts join back to the original text exactly, in every encoding', async () => {
    const samples = [
      'hello world',
      SAMPLE_PAIR.zh,
      '我喜欢吃土豆炖牛肉 — “引号” and émojis 😀👍🏽 e\u0301',
      '  leading spaces\n\n\ttabs and <|endoftext|> as plain text',
      'lone surrogate \ud800 here',
      '',
    ];
    for (const encoding of ENCODINGS) {
      for (const text of samples) {
        const r = await tokenize(text, encoding);
        assert.equal(joined(r), text, `${encoding}: ${JSON.stringify(text)}`);
        assert.equal(r.count, r.tokens.length);
      }
    }
  });

  it('a token that splits a UTF-8 character is grouped: text on the first, bytes on each', async () => {
    const r = await tokenize('哈', 'r50k_base'); // e5 93 88 → three byte tokens in GPT-2's vocabulary
    assert.equal(r.count, 3);
    assert.deepEqual(r.tokens.map((t) => t.text), ['哈', '', '']);
    assert.deepEqual(r.tokens.map((t) => t.bytes), ['e5', '93', '88']);
    const whole = await tokenize('哈', 'o200k_base');
    assert.equal(whole.tokens[0].bytes, undefined, 'no bytes when a token is whole characters');
  });

  it('ids match the raw encoder (the wrapper never changes the tokenization)', async () => {
    const { Tiktoken } = await import('js-tiktoken/lite');
    const ranks = (await import('js-tiktoken/ranks/cl100k_base')).default;
    const raw = new Tiktoken(ranks).encode(SAMPLE_PAIR.zh + ' ' + SAMPLE_PAIR.en);
    assert.deepEqual((await tokenize(SAMPLE_PAIR.zh + ' ' + SAMPLE_PAIR.en, 'cl100k_base')).tokens.map((t) => t.id), raw);
  });

  it('Chinese costs more tokens in r50k than in cl100k and o200k for the same sentence', async () => {
    const rows = await compareEnZh(SAMPLE_PAIR.en, SAMPLE_PAIR.zh);
    const zh = Object.fromEntries(rows.map((r) => [r.encoding, r.zh]));
    assert.ok(zh.r50k_base > zh.cl100k_base, JSON.stringify(zh));
    assert.ok(zh.cl100k_base > zh.o200k_base, JSON.stringify(zh));
    const r50k = rows.find((r) => r.encoding === 'r50k_base')!;
    assert.ok(r50k.zh > 2 * r50k.en, 'GPT-2 spends over twice as many tokens on the Chinese sentence');
  });

  it('rejects an unknown encoding and non-string text', async () => {
    await assert.rejects(tokenize('x', 'p50k_base' as never), /unknown encoding/);
    await assert.rejects(tokenize(42 as never, 'cl100k_base'), TypeError);
  });

  it('loads rank tables lazily: none on import, only the encoding asked for on first use', () => {
    const script = [
      "const tk = require('./src/lessons/tokenizer.ts');",
      "const before = tk.ENCODINGS.filter(tk.isEncodingLoaded);",
      "tk.tokenize('hi', 'r50k_base').then(() => console.log(JSON.stringify({ before, after: tk.ENCODINGS.filter(tk.isEncodingLoaded) })));",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { before: [], after: ['r50k_base'] });
    // …and nothing imports a rank table statically (that would load it at activation).
    const source = readFileSync(join(__dirname, '..', '..', '..', 'src', 'lessons', 'tokenizer.ts'), 'utf8');
    for (const line of source.split('\n').filter((l) => l.includes("'js-tiktoken/ranks/"))) {
      assert.match(line, /=> import\('js-tiktoken\/ranks\/\w+'\)/, line);
    }
  });

  it('in the esbuild bundle (as the extension ships it) a rank table is evaluated only when its encoding is first used', async () => {
    const esbuild = await import('esbuild');
    const marker = '__llmLabRanksEvaluated';
    const built = await esbuild.build({
      entryPoints: [join(__dirname, '..', '..', '..', 'src', 'lessons', 'tokenizer.ts')],
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], write: false, logLevel: 'silent',
      plugins: [{
        name: 'mark-ranks',
        setup(build) {
          build.onLoad({ filter: /js-tiktoken[\\/]dist[\\/]ranks[\\/]\w+\.c?js$/ }, (args) => ({
            contents: `globalThis.${marker} = (globalThis.${marker} || []).concat(${JSON.stringify(args.path.replace(/^.*[\\/]/, ''))});\n` + readFileSync(args.path, 'utf8'),
            loader: 'js',
          }));
        },
      }],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'tokenizer-bundle-')), 'tokenizer.cjs');
    writeFileSync(file, built.outputFiles[0].text);
    const g = globalThis as Record<string, unknown>;
    delete g[marker];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(file) as typeof import('../../../src/lessons/tokenizer');
    assert.equal(g[marker], undefined, 'a rank table was evaluated when the module loaded');
    assert.equal((await bundled.tokenize('hello world', 'cl100k_base')).count, 2);
    assert.deepEqual(g[marker], ['cl100k_base.js']);
    delete g[marker];
  });
});
