import assert from 'node:assert/strict';
import { trainBpe } from '../../../../src/tinygpt/bpe';
import { initParams, paramCount } from '../../../../src/tinygpt/model';
import { Rng } from '../../../../src/tinygpt/rng';
import { PolicySampler } from '../../../../src/tinygpt/stages/policySampler';
import { generate } from '../../../../src/tinygpt/stages/tokenLogProbs';

describe('tiny GPT stages: a tuned policy as a text sampler (built-in provider shape)', () => {
  const tokenizer = trainBpe(['The reward model scores answers. 奖励模型给回答打分。', 'PPO keeps the policy near SFT. 策略靠近监督微调模型。'], 300);
  const config = { vocabSize: tokenizer.vocabSize, context: 32, layers: 1, heads: 2, dim: 16 };
  const params = new Float32Array(paramCount(config));
  initParams(config, params, new Rng(4));
  const sampler = new PolicySampler({ config, tokenizer: tokenizer.toJSON(), params });

  it('greedy text is the model\'s greedy continuation, streamed as whole characters', () => {
    const prompt = PolicySampler.prompt('什么是奖励模型？', 'zh-cn');
    const r = sampler.sample(prompt, { temperature: 0, maxTokens: 12 });
    // The sampler keeps the last context / 2 prompt tokens, leaving the rest for the answer.
    const ids = generate(sampler.model, [tokenizer.encode(prompt).slice(-16)], { maxNewTokens: 12, temperature: 0, rng: new Rng(0), endOfText: tokenizer.endOfText })[0]
      .filter((id) => id !== tokenizer.endOfText);
    assert.equal(r.text, tokenizer.decode(ids));
    assert.equal(r.tokens.map((t) => t.text).join(''), r.text);
    assert.equal(r.finish, ids.length < 12 ? 'end' : 'length');
    assert.equal(r.promptTokens, tokenizer.encode(prompt).length, 'the whole prompt, not the part read');
    assert.ok(r.promptTokens > 16);
    for (const t of r.tokens) {
      assert.ok(t.p > 0 && t.p <= 1);
      assert.equal(t.top.length, 5);
      assert.ok(t.top.every((a, i) => i === 0 || a.p <= t.top[i - 1].p), 'alternatives best first');
    }
  });

  it('answer: the instruction in the template of its language, the same as sampling that prompt', () => {
    for (const [instruction, lang] of [['What is PPO?', 'en'], ['什么是奖励模型？', 'zh-cn']] as const) {
      const o = { temperature: 1, seed: 5, maxTokens: 8 };
      assert.deepEqual(sampler.answer(instruction, o), sampler.sample(PolicySampler.prompt(instruction, lang), o));
    }
  });

  it('a seed repeats a sample; top-p near 0 is greedy', () => {
    const prompt = PolicySampler.prompt('What is PPO?', 'en');
    assert.deepEqual(sampler.sample(prompt, { temperature: 1, seed: 9, maxTokens: 10 }), sampler.sample(prompt, { temperature: 1, seed: 9, maxTokens: 10 }));
    assert.equal(sampler.sample(prompt, { temperature: 1, topP: 1e-9, seed: 3, maxTokens: 10 }).text, sampler.sample(prompt, { temperature: 0, maxTokens: 10 }).text);
  });
});
