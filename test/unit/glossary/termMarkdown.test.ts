import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setLanguage } from '../../../src/core/l10n';
import { GlossaryIndex } from '../../../src/glossary/glossaryIndex';
import { loadGlossary } from '../../../src/glossary/glossaryLoader';
import { escapeMarkdown, GLOSSARY_MARKER, termMarkdown } from '../../../src/glossary/termMarkdown';

const root = join(__dirname, '..', '..', '..');
const index = new GlossaryIndex(loadGlossary(join(root, 'media')));
const zhStrings = JSON.parse(readFileSync(join(root, 'l10n', 'src', 'glossary.zh-cn.json'), 'utf8')) as Record<string, string>;

function commandArgs(markdown: string, command: string): unknown[][] {
  return [...markdown.matchAll(new RegExp(`\\(command:${command.replace('.', '\\.')}\\?([^)\\s]+)`, 'g'))].map((m) => JSON.parse(decodeURIComponent(m[1])) as unknown[]);
}

describe('glossary hover markdown', () => {
  afterEach(() => setLanguage('en', {}));

  it('English UI: both names, the English definition, a lecture link to the term section, related links, source', () => {
    const rlhf = index.byId.get('rlhf')!;
    const md = termMarkdown(rlhf, index, 'en');
    assert.ok(md.startsWith('**Reinforcement learning from human feedback \\(RLHF\\)** · 基于人类反馈的强化学习（RLHF）'));
    assert.ok(md.includes(escapeMarkdown(rlhf.en.definition)));
    assert.ok(!md.includes(rlhf['zh-cn'].definition));
    assert.deepEqual(commandArgs(md, 'llmLab.openLecture'), [['rlhf-overview']]);
    assert.deepEqual(commandArgs(md, 'llmLab.lookUpTerm').map((a) => a[0]), rlhf.related);
    assert.match(rlhf.source, /^Ouyang et al\. 2022/);
    assert.ok(md.includes(`*Source:* ${escapeMarkdown(rlhf.source)} · *LLM Lab glossary*`), md);
    assert.ok(md.includes(GLOSSARY_MARKER));
  });

  it('Chinese UI: the Chinese name first, the Chinese definition and Chinese labels, still marked "LLM Lab"', () => {
    setLanguage('zh-cn', zhStrings);
    const md = termMarkdown(index.byId.get('reward-model')!, index, 'zh-cn');
    assert.ok(md.startsWith('**奖励模型** · Reward model \\(RM\\)'));
    assert.ok(md.includes('在讲义中打开'));
    assert.ok(md.includes('相关：'));
    assert.ok(md.includes('把（提示，回答）映射'));
    assert.ok(md.includes(GLOSSARY_MARKER));
    assert.deepEqual(commandArgs(md, 'llmLab.openLecture'), [['rlhf-reward-model']]);
  });

  it('a name that is the same in both languages is shown once', () => {
    assert.ok(termMarkdown(index.byId.get('chatgpt')!, index, 'en').startsWith('**ChatGPT**\n'));
  });

  it('markdown syntax in definitions is escaped (subscripts, carets, angle brackets)', () => {
    const md = termMarkdown(index.byId.get('pairwise-ranking-loss')!, index, 'en');
    assert.ok(md.includes('y\\_w'));
    assert.equal(escapeMarkdown('x_<t * e^{z}'), 'x\\_\\<t \\* e^\\{z\\}');
  });
});

describe('glossary index', () => {
  it('finds a term by id, by a name in either language, by an alias', () => {
    assert.equal(index.find('chain-of-thought')?.id, 'chain-of-thought');
    assert.equal(index.find('思维链')?.id, 'chain-of-thought');
    assert.equal(index.find('Chain-of-thought (CoT)')?.id, 'chain-of-thought');
    assert.equal(index.find('RLHF')?.id, 'rlhf');
    assert.equal(index.find('no such thing'), undefined);
  });

  it('groups terms by lecture part in section order', () => {
    const part3 = index.termsOfPart('part-instructgpt-chatgpt', 'en').map((t) => t.id);
    assert.ok(part3.includes('reward-model') && part3.includes('rlhf'));
    assert.ok(part3.indexOf('instruction-tuning') < part3.indexOf('reward-model'));
    const all = index.data.parts.flatMap((p) => index.termsOfPart(p.id, 'en'));
    assert.equal(all.length, index.terms.length);
    assert.deepEqual(index.termsWithoutPart(), []);
  });

  it('sorts A–Z in the UI language', () => {
    const en = index.sorted('en').map((t) => t.en.term);
    const before = (list: string[], a: string, b: string): void => {
      assert.ok(list.includes(a) && list.includes(b), `${a} / ${b} missing`);
      assert.ok(list.indexOf(a) < list.indexOf(b), `${a} should sort before ${b}`);
    };
    // Case-insensitive ("n-gram" among the N's), numbers by value (3.5 before 4), letters in order.
    before(en, 'Multimodal model', 'n-gram language model');
    before(en, 'n-gram language model', 'Natural language processing (NLP)');
    before(en, 'GPT-3.5 series', 'GPT-4');
    before(en, 'BERT', 'ChatGPT');
    assert.equal(en.length, index.terms.length);
    // Chinese names by pinyin: 标注员 (biāo) < 对齐税 (duì) < 思维链 (sī) < 自注意力 (zì).
    const zh = index.sorted('zh-cn').map((t) => t['zh-cn'].term);
    before(zh, '标注员', '对齐税');
    before(zh, '对齐税', '思维链');
    before(zh, '思维链', '自注意力');
    assert.equal(zh.length, index.terms.length);
  });

  it('round-trips through the compiled JSON and rejects anything else', () => {
    const again = GlossaryIndex.fromJson(JSON.stringify(index.data));
    assert.equal(again.terms.length, index.terms.length);
    assert.throws(() => GlossaryIndex.fromJson('[]'), /not a compiled glossary/);
  });
});
