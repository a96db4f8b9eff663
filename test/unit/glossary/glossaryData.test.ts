import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECTION_IDS } from '../../../src/lecture/lectureTypes';
import { countSentences, EVERYDAY_WORDS, loadGlossary, validateGlossary } from '../../../src/glossary/glossaryLoader';
import { aliasKey, GlossaryMatcher } from '../../../src/glossary/glossaryMatcher';
import { GLOSSARY_TERM_IDS } from '../../../src/glossary/glossaryTypes';

const mediaDir = join(__dirname, '..', '..', '..', 'media');

/** A valid term to start small fixtures from. */
function term(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    section: 'rlhf-ppo',
    source: 'Somebody et al. 2022',
    related: [],
    en: { term: `Term ${id}`, aliases: [`alias ${id}`], definition: 'One sentence.' },
    'zh-cn': { term: `术语${id}`, aliases: [`别名${id}`], definition: '一句话。' },
    ...over,
  };
}

const validate = (raw: unknown) => validateGlossary(raw, { sectionIds: SECTION_IDS, file: 'fixture' });

describe('glossary data (media/glossary/terms.yaml)', () => {
  const data = loadGlossary(mediaDir);

  it('loads without problems and defines every term id of docs/content-format.md', () => {
    assert.ok(data.terms.length >= 70, `${data.terms.length} terms`);
    const ids = new Set(data.terms.map((t) => t.id));
    for (const id of GLOSSARY_TERM_IDS) assert.ok(ids.has(id), `missing ${id}`);
  });

  it('every term points to a SPEC section that belongs to a lecture part', () => {
    const inParts = new Set(data.parts.flatMap((p) => p.sections));
    for (const t of data.terms) {
      assert.ok((SECTION_IDS as readonly string[]).includes(t.section), `${t.id}: ${t.section}`);
      assert.ok(inParts.has(t.section), `${t.id}: section ${t.section} has no part`);
    }
    assert.deepEqual(data.parts.map((p) => p.id), ['part-background', 'part-gpt-series', 'part-instructgpt-chatgpt', 'part-gpt4-future']);
    assert.match(data.parts[2].title['zh-cn'], /InstructGPT/);
  });

  it('no alias is an everyday word, and no alias is shared between terms', () => {
    const everyday = new Set(EVERYDAY_WORDS.map(aliasKey));
    const owner = new Map<string, string>();
    for (const t of data.terms) {
      for (const alias of [...t.en.aliases, ...t['zh-cn'].aliases]) {
        const key = aliasKey(alias);
        assert.ok(!everyday.has(key), `${t.id}: "${alias}" is an everyday word`);
        const previous = owner.get(key);
        assert.ok(previous === undefined || previous === t.id, `"${alias}" belongs to ${previous} and ${t.id}`);
        owner.set(key, t.id);
      }
    }
  });

  it('every alias, written in a sentence, is found by the matcher as its own term', () => {
    const matcher = GlossaryMatcher.fromTerms(data.terms);
    for (const t of data.terms) {
      for (const alias of [...t.en.aliases, ...t['zh-cn'].aliases]) {
        const text = `See ${alias}, here.`;
        const found = matcher.findTerms(text);
        assert.equal(found.length, 1, `${t.id}: "${alias}" → ${JSON.stringify(found)}`);
        assert.equal(found[0].termId, t.id, `"${alias}" matched ${found[0].termId}`);
        assert.equal(text.slice(found[0].start, found[0].end), alias);
      }
    }
  });

  it('the qualified forms of everyday words match, the bare words do not', () => {
    const matcher = GlossaryMatcher.fromTerms(data.terms);
    const ids = (text: string) => matcher.findTerms(text).map((m) => m.termId);
    assert.deepEqual(ids('the model, a token, the prompt, our policy, some bias, the temperature, text alignment'), []);
    assert.deepEqual(ids('模型、提示、策略、温度、对齐'), []);
    assert.deepEqual(ids('the reward model, the policy model, sampling temperature, prompt engineering, social bias'), [
      'reward-model', 'policy', 'temperature', 'prompt', 'bias',
    ]);
  });

  it('definitions are one or two sentences in each language, and the Chinese ones are in Chinese', () => {
    for (const t of data.terms) {
      assert.ok(countSentences(t.en.definition, 'en') <= 2, `${t.id} en`);
      assert.ok(countSentences(t['zh-cn'].definition, 'zh-cn') <= 2, `${t.id} zh-cn`);
      assert.match(t['zh-cn'].definition, /[\u4e00-\u9fff]/, t.id);
    }
  });
});

describe('glossary validator (small bad fixtures)', () => {
  it('accepts a valid fixture', () => {
    const { terms, problems } = validate([term('a-one', { related: ['b-two'] }), term('b-two')]);
    assert.deepEqual(problems, []);
    assert.equal(terms.length, 2);
  });

  it('rejects an alias used by two terms, also when they differ only in case, dashes or width', () => {
    for (const [first, second] of [
      ['chain-of-thought', 'chain-of-thought'],
      ['Chain-of-thought', 'chain–of–thought'],
      ['RLHF', 'ＲＬＨＦ'],
      ['KL 散度', 'KL散度'],
    ] as const) {
      const a = term('a-one');
      (a.en as { aliases: string[] }).aliases = [first];
      const b = term('b-two');
      (b['zh-cn'] as { aliases: string[] }).aliases = [second];
      const { problems } = validate([a, b]);
      assert.equal(problems.length, 1, `${first} / ${second}: ${problems.join('; ')}`);
      assert.match(problems[0], /duplicates/);
    }
  });

  it('rejects a term without zh-cn, or with an empty Chinese definition or alias list', () => {
    const missing = term('a-one');
    delete missing['zh-cn'];
    assert.match(validate([missing]).problems.join('\n'), /a-one.*zh-cn: missing/);
    const empty = term('a-one', { 'zh-cn': { term: '术语', aliases: [], definition: '' } });
    const problems = validate([empty]).problems.join('\n');
    assert.match(problems, /zh-cn\.definition/);
    assert.match(problems, /zh-cn\.aliases/);
  });

  it('rejects unknown section and related ids', () => {
    const problems = validate([term('a-one', { section: 'no-such-section', related: ['ghost'] })]).problems.join('\n');
    assert.match(problems, /unknown section "no-such-section"/);
    assert.match(problems, /related id "ghost" does not exist/);
  });

  it('rejects everyday-word aliases, duplicate ids, long definitions and English-only Chinese', () => {
    const everyday = term('a-one');
    (everyday.en as { aliases: string[] }).aliases = ['Model'];
    const chatty = term('b-two');
    (chatty.en as { definition: string }).definition = 'One. Two. Three.';
    (chatty['zh-cn'] as { definition: string }).definition = 'Not Chinese.';
    const problems = validate([everyday, chatty, term('b-two')]).problems.join('\n');
    assert.match(problems, /"Model" is an everyday word/);
    assert.match(problems, /3 sentences/);
    assert.match(problems, /no Chinese text/);
    assert.match(problems, /duplicate id/);
  });

  it('loadGlossary throws one error that lists every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glossary-'));
    try {
      mkdirSync(join(dir, 'glossary'));
      writeFileSync(
        join(dir, 'glossary', 'terms.yaml'),
        ['- id: a-one', '  section: nowhere', '  source: x', '  related: [ghost]',
          '  en: { term: A, aliases: [token], definition: "A." }', '  zh-cn: { term: 甲, aliases: [甲乙], definition: "甲。" }'].join('\n'),
      );
      assert.throws(() => loadGlossary(dir), (error: Error) => {
        assert.match(error.message, /unknown section "nowhere"/);
        assert.match(error.message, /related id "ghost"/);
        assert.match(error.message, /"token" is an everyday word/);
        assert.match(error.message, /term "nlp" is missing/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
