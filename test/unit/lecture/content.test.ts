import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildLecture, checkBodyReferences, checkStructure, LANGS, ParsedSection, readSections } from '../../../src/lecture/lectureLoader';
import { proseSize } from '../../../src/lecture/markdownRenderer';
import { DEMO_IDS, PART_IDS, SECTION_IDS } from '../../../src/lecture/lectureTypes';
import type { Lang } from '../../../src/core/l10n';

const mediaDir = join(__dirname, '..', '..', '..', 'media');

function load(): Record<Lang, ParsedSection[]> {
  const problems: string[] = [];
  const sections = { en: readSections(mediaDir, 'en', problems), 'zh-cn': readSections(mediaDir, 'zh-cn', problems) } as Record<Lang, ParsedSection[]>;
  assert.deepEqual(problems, [], 'front matter problems');
  return sections;
}

function glossaryIds(): Set<string> {
  const raw = parseYaml(readFileSync(join(mediaDir, 'glossary', 'terms.yaml'), 'utf8')) as { id: string }[];
  return new Set(raw.map((t) => t.id));
}

describe('lecture content', () => {
  const byLang = load();

  it('has every SPEC section in both languages, same part and order, in the lecture order, no orphans', () => {
    const problems: string[] = [];
    checkStructure(byLang, problems);
    assert.deepEqual(problems, []);
    for (const lang of LANGS) {
      const ordered = [...byLang[lang]].sort((a, b) => a.meta.order - b.meta.order).map((s) => s.meta.id);
      assert.deepEqual(ordered, [...SECTION_IDS], `${lang}: sections out of the lecture's order`);
      const parts = [...byLang[lang]].sort((a, b) => a.meta.order - b.meta.order).map((s) => s.meta.part);
      const firstIndex = PART_IDS.map((p) => parts.indexOf(p));
      assert.deepEqual([...firstIndex].sort((a, b) => a - b), firstIndex, `${lang}: parts out of order`);
    }
  });

  it('links, images, demos and widgets in every section resolve', () => {
    const problems: string[] = [];
    for (const lang of LANGS) for (const section of byLang[lang]) checkBodyReferences(section, mediaDir, problems);
    assert.deepEqual(problems, []);
  });

  it('every demo id in front matter exists in the demo catalog and every term id in the glossary', () => {
    const terms = glossaryIds();
    const demoDirs = new Set(readdirSync(join(mediaDir, 'demos')));
    for (const lang of LANGS) {
      for (const { meta, file } of byLang[lang]) {
        for (const id of meta.demos) {
          assert.ok((DEMO_IDS as readonly string[]).includes(id), `${file}: demo ${id} is not a SPEC demo id`);
          assert.ok(demoDirs.has(id) || demoDirs.has(`${id}.yaml`), `${file}: demo ${id} is not in media/demos`);
        }
        for (const id of meta.terms) assert.ok(terms.has(id), `${file}: term ${id} is not in the glossary`);
        assert.ok(meta.sources.length > 0, `${file}: no sources`);
      }
    }
  });

  it('has enough prose in every section: ≥ 250 English words, ≥ 400 Chinese characters', () => {
    const short: string[] = [];
    for (const { meta, body } of byLang.en) {
      const { words } = proseSize(body);
      if (words < 250) short.push(`en/${meta.id}: ${words} words`);
    }
    for (const { meta, body } of byLang['zh-cn']) {
      const { cjk } = proseSize(body);
      if (cjk < 400) short.push(`zh-cn/${meta.id}: ${cjk} characters`);
    }
    assert.deepEqual(short, []);
  });

  it('starts each section with its key idea', () => {
    for (const lang of LANGS) {
      for (const { file, body } of byLang[lang]) {
        assert.match(body.trimStart().slice(0, 40), /^(> )?\*\*(Key idea|核心思想|要点|核心观点)/, `${file} does not open with its key idea`);
      }
    }
  });

  it('builds and renders without content problems', () => {
    const build = buildLecture(mediaDir);
    assert.deepEqual(build.problems, []);
    for (const lang of LANGS) assert.equal(build.lectures[lang].sections.length, SECTION_IDS.length);
  });
});

// The verified numbers (factsheet) appear where they belong, in both languages.
const FIGURES: { section: string | string[]; what: string; en: RegExp; zh: RegExp }[] = [
  { section: 'gpt1', what: 'GPT-1 117M', en: /117\s?M/, zh: /117\s?M|1\.17\s?亿/ },
  { section: 'gpt2', what: 'GPT-2 1.5B', en: /1\.5\s?B/, zh: /1\.5\s?B|15\s?亿/ },
  { section: 'gpt3', what: 'GPT-3 175B', en: /175\s?B/, zh: /175\s?B|1750\s?亿/ },
  { section: 'gpt-sizes', what: 'd_model 12288', en: /12,?288/, zh: /12,?288/ },
  { section: 'gpt-sizes', what: '96 layers', en: /\b96\b/, zh: /96/ },
  { section: 'gpt-sizes', what: '2048 context', en: /2,?048/, zh: /2,?048/ },
  { section: 'gpt-training-data', what: '570 GB filtered Common Crawl', en: /570\s?GB/, zh: /570\s?GB/ },
  { section: 'chinchilla', what: 'Chinchilla 70B', en: /70\s?B/, zh: /70\s?B|700\s?亿/ },
  { section: 'chinchilla', what: 'Chinchilla 1.4T tokens', en: /1\.4\s?T/, zh: /1\.4\s?T|1\.4\s?万亿|14000\s?亿/ },
  { section: 'chinchilla', what: 'Gopher 280B', en: /280\s?B/, zh: /280\s?B|2800\s?亿/ },
  { section: 'chinchilla', what: 'Gopher 300B tokens', en: /300\s?B/, zh: /300\s?B|3000\s?亿/ },
  { section: 'rlhf-reward-model', what: '6B reward model', en: /6\s?B/, zh: /6\s?B|60\s?亿/ },
  {
    section: ['rlhf-overview', 'rlhf-ppo', 'instructgpt-vs-chatgpt', 'rlhf-sft', 'instruction-tuning', 'instructgpt-evolution'],
    what: '1.3B InstructGPT preferred over 175B GPT-3',
    en: /1\.3\s?B[\s\S]{0,200}175\s?B|175\s?B[\s\S]{0,200}1\.3\s?B/,
    zh: /(1\.3\s?B|13\s?亿)[\s\S]{0,200}(175\s?B|1750\s?亿)|(175\s?B|1750\s?亿)[\s\S]{0,200}(1\.3\s?B|13\s?亿)/,
  },
];

describe('lecture figures (factsheet numbers where they belong)', () => {
  const byLang = load();
  for (const figure of FIGURES) {
    it(`${figure.what} in ${[figure.section].flat().join(' / ')}, both languages`, () => {
      const ids = [figure.section].flat();
      for (const lang of LANGS) {
        const text = byLang[lang].filter((s) => ids.includes(s.meta.id)).map((s) => s.body).join('\n');
        assert.ok(text.length > 0, `${lang}: section missing`);
        assert.match(text, lang === 'en' ? figure.en : figure.zh, `${lang}: ${figure.what} not found`);
      }
    });
  }

  it('mentions 774M only where a correction explains that GPT-2 is 1.5B and 774M is GPT-2 Large', () => {
    for (const lang of LANGS) {
      const mentioning = byLang[lang].filter(({ body }) => /774\s?M|7\.74\s?亿/.test(body)).map(({ meta }) => meta.id);
      // The slide's "size=774M" is on the GPT sizes slide: its correction must be there, so this check always runs.
      assert.ok(mentioning.includes('gpt-sizes'), `${lang}: gpt-sizes no longer corrects the slide's 774M`);
      for (const { file, body } of byLang[lang]) {
        if (!/774\s?M|7\.74\s?亿/.test(body)) continue;
        const corrections = body.split('\n').filter((line) => /^\s*>/.test(line)).join('\n');
        assert.match(corrections, /774\s?M/, `${file}: 774M appears but no correction mentions it`);
        assert.match(corrections, /1\.5\s?B|15\s?亿/, `${file}: the 774M correction does not give GPT-2's 1.5B`);
        assert.match(corrections, /Large|大/, `${file}: the correction does not say 774M is GPT-2 Large`);
      }
    }
  });

  it('never calls the reward model score bounded to [0, 1]', () => {
    const bounded = /between 0 and 1|0\s*[-–~～到]\s*1\s*之间|\[0,\s?1\]/;
    for (const lang of LANGS) {
      const section = byLang[lang].find((s) => s.meta.id === 'rlhf-reward-model');
      assert.ok(section, `${lang}: rlhf-reward-model is missing`);
      const lines = section.body.split('\n').filter((line) => bounded.test(line));
      // The correction quotes the slide's "between 0 and 1", so the pattern must match at least there.
      assert.ok(lines.length > 0, `${lang}: the correction of the slide's "score between 0 and 1" is gone`);
      for (const line of lines) assert.match(line, /^\s*>/, `${lang}: bounded reward outside a correction: ${line.slice(0, 120)}`);
    }
  });
});
