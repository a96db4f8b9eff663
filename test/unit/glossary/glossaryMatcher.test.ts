import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadGlossary } from '../../../src/glossary/glossaryLoader';
import { caseSensitiveUnits, GlossaryMatcher } from '../../../src/glossary/glossaryMatcher';

const small = new GlossaryMatcher([
  { alias: 'CoT', termId: 'cot' },
  { alias: 'chain of thought', termId: 'cot' },
  { alias: 'chain-of-thought', termId: 'cot' },
  { alias: 'zero-shot', termId: 'zero-shot' },
  { alias: 'zero-shot CoT', termId: 'zero-shot-cot' },
  { alias: 'PPO', termId: 'ppo' },
  { alias: 'PPO-ptx', termId: 'ppo-ptx' },
  { alias: 'RLHF', termId: 'rlhf' },
  { alias: 'reward model', termId: 'rm' },
  { alias: '奖励模型', termId: 'rm' },
  { alias: '思维链', termId: 'cot' },
  { alias: '零样本', termId: 'zero-shot' },
  { alias: '零样本思维链', termId: 'zero-shot-cot' },
  { alias: 'μP', termId: 'mup' },
  { alias: 'KL 散度惩罚', termId: 'kl' },
  { alias: 'Transformer', termId: 'transformer' },
  { alias: "Let's think step by step", termId: 'zero-shot-cot' },
]);

/** "termId:matched text" for every match. */
function found(text: string, matcher = small): string[] {
  return matcher.findTerms(text).map((m) => `${m.termId}:${text.slice(m.start, m.end)}`);
}

describe('glossary matcher', () => {
  it('longest alias wins over its prefix and over a nested alias', () => {
    assert.deepEqual(found('Try zero-shot CoT first.'), ['zero-shot-cot:zero-shot CoT']);
    assert.deepEqual(found('Try zero-shot first, then CoT.'), ['zero-shot:zero-shot', 'cot:CoT']);
    assert.deepEqual(found('PPO-ptx adds a term to PPO.'), ['ppo-ptx:PPO-ptx', 'ppo:PPO']);
    assert.deepEqual(found('零样本思维链比零样本更好，思维链也是。'), ['zero-shot-cot:零样本思维链', 'zero-shot:零样本', 'cot:思维链']);
  });

  it('overlapping candidates: the leftmost match is kept and the scan resumes after it', () => {
    const overlap = new GlossaryMatcher([
      { alias: 'reward model', termId: 'rm' },
      { alias: 'model training', termId: 'mt' },
    ]);
    assert.deepEqual(found('the reward model training loop', overlap), ['rm:reward model']);
    assert.deepEqual(found('奖励模型思维链', small), ['rm:奖励模型', 'cot:思维链']);
  });

  it('acronyms are case-sensitive: "PPO" matches, "ppo" and "Ppo" do not', () => {
    assert.deepEqual(found('PPO ppo Ppo'), ['ppo:PPO']);
    assert.deepEqual(found('CoT cot COT'), ['cot:CoT']);
    assert.deepEqual(found('μP mup MP µP'), ['mup:μP', 'mup:µP']);
  });

  it('phrases ignore case, dash variants and whitespace runs, including a line break', () => {
    assert.deepEqual(found('Chain Of Thought, CHAIN-OF-THOUGHT, chain‑of‑thought, chain\n  of thought'), [
      'cot:Chain Of Thought', 'cot:CHAIN-OF-THOUGHT', 'cot:chain‑of‑thought', 'cot:chain\n  of thought',
    ]);
    assert.deepEqual(found('transformer TRANSFORMER'), ['transformer:transformer', 'transformer:TRANSFORMER']);
    assert.deepEqual(found('Let’s think step by step'), ["zero-shot-cot:Let’s think step by step"]);
  });

  it('an acronym inside a phrase keeps its case while the rest folds', () => {
    assert.deepEqual(found('Zero-Shot CoT'), ['zero-shot-cot:Zero-Shot CoT']);
    assert.deepEqual(found('Zero-Shot cot'), ['zero-shot:Zero-Shot']);
  });

  it('Latin terms need word boundaries: identifiers with "_" or attached letters do not match', () => {
    assert.deepEqual(found('ppo_step PPO_step step_PPO PPOs xPPO PPO2'), []);
    assert.deepEqual(found('(PPO) "PPO" PPO\'s PPO-based PPO.'), ['ppo:PPO', 'ppo:PPO', 'ppo:PPO', 'ppo:PPO', 'ppo:PPO']);
    assert.deepEqual(found('transformers_lib Transformerish'), []);
  });

  it('CJK terms match without boundaries, also glued to Latin text and acronyms to CJK', () => {
    assert.deepEqual(found('用RLHF训练奖励模型'), ['rlhf:RLHF', 'rm:奖励模型']);
    assert.deepEqual(found('mixed 中文 and English: the reward model（奖励模型）uses RLHF。'), ['rm:reward model', 'rm:奖励模型', 'rlhf:RLHF']);
    assert.deepEqual(found('加上 KL 散度惩罚，或写作KL散度惩罚'), ['kl:KL 散度惩罚', 'kl:KL散度惩罚']);
  });

  it('full-width letters are normalised and offsets still point at the original characters', () => {
    const text = '使用ＲＬＨＦ和ｒｅｗａｒｄ　ｍｏｄｅｌ';
    assert.deepEqual(found(text), ['rlhf:ＲＬＨＦ', 'rm:ｒｅｗａｒｄ　ｍｏｄｅｌ']);
    assert.deepEqual(found('ｐｐｏ'), []);
  });

  it('emoji and surrogate pairs before a term do not shift its offsets', () => {
    const text = '👩‍💻😀𠀀 RLHF and 🎉奖励模型🎉';
    const matches = small.findTerms(text);
    assert.deepEqual(matches.map((m) => text.slice(m.start, m.end)), ['RLHF', '奖励模型']);
    assert.equal(matches[0].start, text.indexOf('RLHF'));
    assert.equal(small.termAt(text, text.indexOf('奖') + 2)?.termId, 'rm');
    assert.equal(small.termAt(text, 1), undefined);
  });

  it('termAt finds the term under an offset, and nothing between terms', () => {
    const text = 'We train the reward model with PPO.';
    assert.equal(small.termAt(text, text.indexOf('reward'))?.termId, 'rm');
    assert.equal(small.termAt(text, text.indexOf('model') + 4)?.termId, 'rm');
    assert.equal(small.termAt(text, text.indexOf('model') + 5), undefined);
    assert.equal(small.termAt(text, text.indexOf('train')), undefined);
    assert.equal(small.termAt(text, text.indexOf('PPO') + 2)?.alias, 'PPO');
  });

  it('termAt respects the [from, to) window it is given', () => {
    const text = '# PPO\nppo_step = PPO';
    const comment = { from: 2, to: 5 };
    assert.equal(small.termAt(text, 3, comment.from, comment.to)?.termId, 'ppo');
    assert.equal(small.termAt(text, text.lastIndexOf('PPO'), comment.from, comment.to), undefined);
  });

  it('a 10,000-character line: every term found, and termAt near the end agrees with a full scan', () => {
    const chunk = 'plain words and more plain words, RLHF here, 奖励模型 there; ';
    let line = '';
    while (line.length < 10_000) line += chunk;
    const all = small.findTerms(line);
    assert.equal(all.length, 2 * Math.ceil(10_000 / chunk.length));
    const last = all[all.length - 1];
    assert.deepEqual(small.termAt(line, last.start + 1), last);
    const nearEnd = line.lastIndexOf('RLHF');
    assert.deepEqual(small.termAt(line, nearEnd), all.find((m) => m.start === nearEnd));
  });

  it('caseSensitiveUnits: capitals words and inner capitals are exact, capitalised words fold', () => {
    assert.deepEqual(caseSensitiveUnits('RLHF'), [0, 1, 2, 3]);
    assert.deepEqual(caseSensitiveUnits('zero-shot CoT'), [10, 11, 12]);
    assert.deepEqual(caseSensitiveUnits('Transformer'), []);
    assert.deepEqual(caseSensitiveUnits('T5'), [0, 1]);
    assert.deepEqual(caseSensitiveUnits('μP'), [0, 1]);
    assert.deepEqual(caseSensitiveUnits('KL散度'), [0, 1]);
  });

  it('the real glossary: English and Chinese names of the issue examples', () => {
    const data = loadGlossary(join(__dirname, '..', '..', '..', 'media'));
    const real = GlossaryMatcher.fromTerms(data.terms);
    const ids = (text: string) => real.findTerms(text).map((m) => m.termId);
    assert.deepEqual(ids('RLHF, in-context learning, 思维链 and 奖励模型'), ['rlhf', 'in-context-learning', 'chain-of-thought', 'reward-model']);
    assert.deepEqual(ids('上下文学习和情景学习是同一个概念'), ['in-context-learning', 'in-context-learning']);
    assert.deepEqual(ids('指令微调 vs 有监督微调 vs 微调'), ['instruction-tuning', 'sft', 'fine-tuning']);
    assert.deepEqual(ids('GPT-3.5, GPT-3, GPT-4 and GPT'), ['gpt-3-5', 'gpt', 'gpt-4', 'gpt']);
    assert.deepEqual(ids('masked language model vs language model vs n-gram language model'), ['masked-language-model', 'language-model', 'n-gram-model']);
  });
});
