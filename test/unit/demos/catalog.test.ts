import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoCatalog, DemoCatalogError, getDemo, loadDemos, parseDemoFile, type DemoFile } from '../../../src/demos/demoLoader';
import { DEMO_IDS } from '../../../src/demos/demoTypes';
import { renderPrompt } from '../../../src/demos/promptTemplate';

const media = join(__dirname, '..', '..', '..', 'media');

function realFiles(): DemoFile[] {
  return DEMO_IDS.flatMap((id) =>
    (['en', 'zh-cn'] as const).map((lang) => ({ id, lang, path: `media/demos/${id}/${lang}.yaml`, text: readFileSync(join(media, 'demos', id, `${lang}.yaml`), 'utf8') })),
  );
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DemoCatalogError, String(error));
    return error.problems;
  }
  assert.fail('expected the catalog to be rejected');
}

function prompt(id: string, lang: 'en' | 'zh-cn', runId: string): string {
  const def = getDemo(loadDemos(media), id, lang)!;
  const run = [...def.runs, ...def.extraRuns].find((r) => r.id === runId)!;
  return renderPrompt(run.template);
}

describe('demo catalog', () => {
  it('catalog: all 12 SPEC demo ids load in English and Chinese', () => {
    const catalog = loadDemos(media);
    assert.deepEqual(catalog.ids, [...DEMO_IDS]);
    for (const id of DEMO_IDS) {
      for (const lang of ['en', 'zh-cn'] as const) {
        const def = catalog.demos[id][lang];
        assert.equal(def.id, id);
        assert.equal(def.lang, lang);
        assert.ok(def.runs.length > 0 && def.notice.length > 0, `${id}/${lang}`);
      }
    }
    assert.notEqual(catalog.demos['cot-vs-standard'].en.title, catalog.demos['cot-vs-standard']['zh-cn'].title);
  });

  it('catalog: demo options follow the issue (CoT at T=0, self-consistency 5 samples at 0.7, next-token logprobs)', () => {
    const catalog = loadDemos(media);
    assert.equal(catalog.demos['cot-vs-standard'].en.options.temperature, 0);
    assert.deepEqual(
      catalog.demos['cot-vs-standard'].en.runs.map((r) => r.id).filter((id) => id.startsWith('cafeteria')),
      ['cafeteria-standard', 'cafeteria-cot'],
    );
    const sc = catalog.demos['self-consistency'].en.options;
    assert.deepEqual([sc.samples, sc.temperature, sc.vote], [5, 0.7, true]);
    assert.equal(catalog.demos['next-token'].en.options.logprobs, true);
    assert.equal(catalog.demos['next-token'].en.options.fallbackProvider, 'builtin');
  });

  it('catalog: the papers\' prompts render verbatim (CoT Fig. 1, Cohere sentiment, GPT-3 Fig. 2.1, PAL, zero-shot CoT)', () => {
    assert.equal(
      prompt('cot-vs-standard', 'en', 'cafeteria-cot'),
      'Q: Roger has 5 tennis balls. He buys 2 more cans of tennis balls. Each can has 3 tennis balls. How many tennis balls does he have now?\n' +
        'A: Roger started with 5 balls. 2 cans of 3 tennis balls each is 6 tennis balls. 5 + 6 = 11. The answer is 11.\n\n' +
        'Q: The cafeteria had 23 apples. If they used 20 to make lunch and bought 6 more, how many apples do they have?\nA:',
    );
    assert.equal(
      prompt('cot-vs-standard', 'en', 'cafeteria-standard'),
      'Q: Roger has 5 tennis balls. He buys 2 more cans of tennis balls. Each can has 3 tennis balls. How many tennis balls does he have now?\n' +
        'A: The answer is 11.\n\n' +
        'Q: The cafeteria had 23 apples. If they used 20 to make lunch and bought 6 more, how many apples do they have?\nA:',
    );
    assert.equal(
      prompt('few-shot-sentiment', 'en', 'few-shot'),
      'This is a movie review sentiment classifier.\nReview: "I loved this movie!"\nThis review is positive.\n' +
        'Review: "I don\'t know, it was ok I guess.."\nThis review is neutral.\n' +
        'Review: "What a waste of time, would not recommend this movie."\nThis review is negative.\n' +
        'Review: "I really enjoyed this movie!"\nThis review is',
    );
    assert.equal(
      prompt('one-shot-translation', 'en', 'few-shot'),
      'Translate English to French:\nsea otter => loutre de mer\npeppermint => menthe poivrée\nplush girafe => girafe peluche\ncheese =>',
    );
    assert.equal(
      prompt('pal', 'en', 'bakers-python'),
      'Q: Olivia has $23. She bought five bagels for $3 each. How much money does she have left?\n\n# solution in Python:\n\n\n' +
        'def solution():\n    """Olivia has $23. She bought five bagels for $3 each. How much money does she have left?"""\n' +
        '    money_initial = 23\n    bagels = 5\n    bagel_cost = 3\n    money_spent = bagels * bagel_cost\n' +
        '    money_left = money_initial - money_spent\n    result = money_left\n    return result\n\n\n\n\n\n' +
        'Q: The bakers at the Beverly Hills Bakery baked 200 loaves of bread on Monday morning. They sold 93 loaves in the morning and 39 loaves in the afternoon. A grocery store returned 6 unsold loaves. How many loaves of bread did they have left?\n\n# solution in Python:',
    );
    assert.equal(
      prompt('zero-shot-cot', 'en', 'juggler-step-by-step'),
      "Q: A juggler can juggle 16 balls. Half of the balls are golf balls, and half of the golf balls are blue. How many blue golf balls are there?\nA: Let's think step by step.",
    );
    assert.match(prompt('zero-shot-cot', 'zh-cn', 'juggler-step-by-step'), /\n答：让我们一步一步地思考。$/);
    assert.match(prompt('tldr-summary', 'en', 'tldr'), /railway history\.\n\nTL;DR:$/);
  });

  it('catalog: rejects a broken catalog and lists every problem at once', () => {
    const files = realFiles()
      .filter((f) => !(f.id === 'pal' && f.lang === 'zh-cn'))
      .map((f) => {
        if (f.id === 'zero-shot' && f.lang === 'en') return { ...f, text: f.text.replace(/^section: .*$/m, 'section: gpt-5') };
        if (f.id === 'few-shot-sentiment' && f.lang === 'en') return { ...f, text: f.text.replace('extractor: { id: label,', 'extractor: { id: guess,') };
        if (f.id === 'cot-vs-standard' && f.lang === 'en') return { ...f, text: f.text.replace('expected: ["9"]', 'expected: ["nine"]') };
        if (f.id === 'next-token' && f.lang === 'en') return { ...f, text: f.text.replace('  temperature: 0\n', '  temperature: 0\n  colour: red\n') };
        return f;
      });
    const problems = problemsOf(() => buildDemoCatalog(files, ['stray-folder']));
    const expectations: [RegExp, string][] = [
      [/pal\/zh-cn\.yaml: missing/, 'missing language file'],
      [/zero-shot\/en\.yaml: section "gpt-5"/, 'unknown section'],
      [/few-shot-sentiment\/en\.yaml: extractor\.id must be one of/, 'unknown extractor'],
      [/cot-vs-standard\/en\.yaml: .*"nine" is not a number/, 'expected answer the extractor cannot produce'],
      [/next-token\/en\.yaml: options: unknown key "colour"/, 'unknown option'],
      [/stray-folder: unexpected entry/, 'stray folder'],
    ];
    for (const [pattern, what] of expectations) assert.ok(problems.some((p) => pattern.test(p)), `${what} not reported:\n${problems.join('\n')}`);
  });

  it('catalog: the two languages must have the same structure', () => {
    const files = realFiles().map((f) =>
      f.id === 'cot-vs-standard' && f.lang === 'zh-cn' ? { ...f, text: f.text.replace('id: juggler-cot', 'id: juggler-chain') } : f,
    );
    const problems = problemsOf(() => buildDemoCatalog(files));
    assert.ok(problems.some((p) => /cot-vs-standard: en\.yaml and zh-cn\.yaml differ/.test(p)), problems.join('\n'));
  });

  it('catalog: YAML syntax errors, a bad template reference and a bad placeholder are reported, not thrown raw', () => {
    const files = realFiles().map((f) => {
      if (f.id === 'tldr-summary' && f.lang === 'en') return { ...f, text: 'id: tldr-summary\ntitle: "unterminated\n' };
      if (f.id === 'pal' && f.lang === 'en') return { ...f, text: f.text.replace('template: cot', 'template: kot') };
      if (f.id === 'commonsense-probes' && f.lang === 'en') return { ...f, text: f.text.replace('"Q: {input}\\nA: {output}"', '"Q: {input}\\nA: {answer}"') };
      return f;
    });
    const problems = problemsOf(() => buildDemoCatalog(files));
    assert.ok(problems.some((p) => /tldr-summary\/en\.yaml: YAML:/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /pal\/en\.yaml: run "large-cot"\.template "kot" is not defined/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /commonsense-probes\/en\.yaml: .*unknown placeholder \{answer\}/.test(p)), problems.join('\n'));
  });

  describe('builtin: a run\'s prompt for the built-in models', () => {
    /** A small next-token-like demo whose first run carries `builtin` (YAML lines, indented under the run). */
    const file = (builtin: string): DemoFile => ({
      id: 'next-token',
      lang: 'en',
      path: 'media/demos/next-token/en.yaml',
      text: [
        'id: next-token',
        'title: "T"',
        'section: pretraining',
        'summary: "S"',
        'notice: ["N"]',
        'expectation: "E"',
        'sources: [{ title: "GPT-1" }]',
        'options: { temperature: 0, fallbackProvider: builtin }',
        'extractor: { id: none }',
        'runs:',
        '  - id: capital',
        '    label: "The capital of France is"',
        '    parts: { system: "Continue the text.", query: "The capital of France is" }',
        '    expected: [Paris]',
        '    extractor: { id: label, labels: { Paris: [] } }',
        ...builtin.split('\n').filter(Boolean).map((line) => `    ${line}`),
      ].join('\n'),
    });
    const parse = (builtin: string): { def: ReturnType<typeof parseDemoFile>; problems: string[] } => {
      const problems: string[] = [];
      return { def: parseDemoFile(file(builtin), problems), problems };
    };

    it('builtin: parts, label, expected answers and extractor are read; the run\'s own stay as they were', () => {
      const { def, problems } = parse([
        'builtin:',
        '  label: "…learning from human"',
        '  parts: { query: "Reinforcement learning from human" }',
        '  expected: [feedback]',
        '  extractor: { id: label, labels: { feedback: [] } }',
      ].join('\n'));
      assert.deepEqual(problems, []);
      const run = def!.runs[0];
      assert.deepEqual(run.builtin, {
        label: '…learning from human',
        parts: { query: 'Reinforcement learning from human' },
        expected: ['feedback'],
        extractor: { id: 'label', labels: { feedback: [] } },
      });
      assert.equal(run.template.parts.query, 'The capital of France is');
      assert.deepEqual(run.expected, ['Paris']);
    });

    it('builtin: only parts is required; the label, expected answers and extractor may be left out', () => {
      const { def, problems } = parse('builtin: { parts: { query: "Reinforcement learning from human" } }');
      assert.deepEqual(problems, []);
      assert.deepEqual(def!.runs[0].builtin, { parts: { query: 'Reinforcement learning from human' } });
    });

    it('builtin: each mistake is reported with the run and the key', () => {
      const cases: [string, RegExp][] = [
        ['builtin: "Reinforcement learning from human"', /run "capital"\.builtin must be a mapping with parts/],
        ['builtin: { label: "x" }', /run "capital"\.builtin\.parts is required/],
        ['builtin: { parts: {} }', /run "capital"\.builtin\.parts must set at least one part/],
        ['builtin: { parts: { query: "" } }', /run "capital"\.builtin: needs a query or an instruction/],
        ['builtin: { parts: { query: "x", answer: "y" } }', /run "capital"\.builtin\.parts: unknown key "answer"/],
        ['builtin: { parts: { query: "x" }, model: ngram }', /run "capital"\.builtin: unknown key "model"/],
        ['builtin: { parts: { query: "x" }, label: "" }', /run "capital"\.builtin\.label must not be empty/],
        // The run's extractor knows only "Paris": an answer it can never return is a content bug.
        ['builtin: { parts: { query: "x" }, expected: [feedback] }', /run "capital"\.builtin\.expected: "feedback" is not one of the labels Paris/],
        ['builtin: { parts: { query: "x" }, expected: [feedback], extractor: { id: guess } }', /run "capital"\.builtin\.extractor\.id must be one of/],
      ];
      for (const [yaml, pattern] of cases) {
        const { problems } = parse(yaml);
        assert.ok(problems.some((p) => p.startsWith('media/demos/next-token/en.yaml: ') && pattern.test(p)), `${yaml}\n→ ${problems.join('\n')}`);
      }
    });

    it('builtin: one language with an override and the other without differ in structure', () => {
      const files = realFiles().map((f) =>
        f.id === 'next-token' && f.lang === 'zh-cn' ? { ...f, text: f.text.replace(/\n {4}builtin:\n(?: {6}.*\n)+/, '\n') } : f,
      );
      assert.notEqual(files.find((f) => f.id === 'next-token' && f.lang === 'zh-cn')!.text, realFiles().find((f) => f.id === 'next-token' && f.lang === 'zh-cn')!.text);
      const problems = problemsOf(() => buildDemoCatalog(files));
      assert.ok(problems.some((p) => /next-token: en\.yaml and zh-cn\.yaml differ/.test(p)), problems.join('\n'));
    });

    it('builtin: every run of next-token and temperature-sampling has a lecture prompt for the built-in models, in both languages', () => {
      const catalog = loadDemos(media);
      for (const id of ['next-token', 'temperature-sampling']) {
        for (const lang of ['en', 'zh-cn'] as const) {
          for (const run of catalog.demos[id][lang].runs) {
            const query = run.builtin?.parts.query ?? '';
            assert.ok(query.trim().length > 0, `${id}/${lang} ${run.id}: a builtin query`);
            assert.notEqual(query, run.template.parts.query, `${id}/${lang} ${run.id}: differs from the endpoint prompt`);
            if (id === 'next-token') assert.equal(run.builtin?.expected?.length, 1, `${id}/${lang} ${run.id}: an expected next word`);
          }
        }
      }
    });
  });

  it('loadDemos: reads a folder and fails on a fixture with a missing file and a stray entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmlab-demos-'));
    try {
      cpSync(join(media, 'demos'), join(dir, 'demos'), { recursive: true });
      rmSync(join(dir, 'demos', 'next-token', 'zh-cn.yaml'));
      mkdirSync(join(dir, 'demos', 'not-a-demo'));
      writeFileSync(join(dir, 'demos', 'pal', 'fr.yaml'), 'id: pal\n');
      const problems = problemsOf(() => loadDemos(dir));
      assert.ok(problems.some((p) => /next-token\/zh-cn\.yaml: missing/.test(p)));
      assert.ok(problems.some((p) => /not-a-demo: unexpected entry/.test(p)));
      assert.ok(problems.some((p) => /pal\/fr\.yaml: unexpected entry/.test(p)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
