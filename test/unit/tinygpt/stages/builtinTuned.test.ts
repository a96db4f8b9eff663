import assert from 'node:assert/strict';
import { BuiltinProvider } from '../../../../src/lessons/builtinProvider';
import type { NgramSource } from '../../../../src/lessons/ngramSource';
import type { StreamEvent } from '../../../../src/llm/types';
import { trainBpe } from '../../../../src/tinygpt/bpe';
import { initParams, paramCount } from '../../../../src/tinygpt/model';
import { Rng } from '../../../../src/tinygpt/rng';
import { PolicySampler } from '../../../../src/tinygpt/stages/policySampler';

describe('tiny GPT stages: the tuned policy answers as a built-in model', () => {
  const tokenizer = trainBpe(['The reward model scores answers. PPO keeps the policy near SFT.'], 280);
  const config = { vocabSize: tokenizer.vocabSize, context: 32, layers: 1, heads: 2, dim: 16 };
  const params = new Float32Array(paramCount(config));
  initParams(config, params, new Rng(6));
  const policy = new PolicySampler({ config, tokenizer: tokenizer.toJSON(), params });
  const noNgram: NgramSource = { model: () => Promise.resolve(undefined), languages: () => Promise.resolve([]) };
  const provider = new BuiltinProvider(noNgram);
  provider.useTinyGpt((id) => Promise.resolve(id === 'tinygpt-ppo' ? { sample: (p, o) => ({ ...policy.answer(p, o), promptTokens: 0 }) } : undefined));

  const collect = async (model: string): Promise<StreamEvent[]> => {
    const events: StreamEvent[] = [];
    for await (const e of provider.chat({ model, messages: [{ role: 'user', content: 'What is PPO?' }], temperature: 0, maxTokens: 8 }, new AbortController().signal)) events.push(e);
    return events;
  };

  it("'tinygpt-ppo' streams the policy's answer to the instruction and names itself", async () => {
    const events = await collect('tinygpt-ppo');
    const text = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('');
    assert.equal(text, policy.answer('What is PPO?', { temperature: 0, maxTokens: 8 }).text);
    const done = events.at(-1);
    assert.equal(done?.type, 'done');
    assert.equal((done as { model: string }).model, 'tinygpt-ppo');
  });

  it('a tuned model that is not trained yet is notFound with what to do', async () => {
    await assert.rejects(collect('tinygpt-sft'), (e: Error & { kind?: string }) => e.kind === 'notFound' && /llmLab\.train/.test(e.message));
  });
});
