import assert from 'node:assert/strict';
import { Gpt } from '../../../../src/tinygpt/model';
import { answerLoss, beforeAfter, encodeAll, maskedTokens, SftTrainer, stopProbability } from '../../../../src/tinygpt/stages/sft';
import { buildSftExamples, encodeExample, formatPrompt, loadSftSourcesFromMedia, sftBatch, splitExamples } from '../../../../src/tinygpt/stages/sftData';
import { pretrained, ROOT } from './fixture';
import { join } from 'node:path';

describe('tiny GPT stage 2: supervised fine-tuning', function () {
  this.timeout(300_000);

  it('SFT data: glossary and concept checks in both languages, held-out split by item', () => {
    const all = buildSftExamples(loadSftSourcesFromMedia(join(ROOT, 'media')));
    const { train, heldOut } = splitExamples(all);
    for (const lang of ['en', 'zh-cn'] as const) {
      for (const source of ['glossary', 'question'] as const) assert.ok(all.some((e) => e.lang === lang && e.source === source), `${lang} ${source}`);
    }
    const rlhf = all.find((e) => e.id === 'glossary:rlhf:en');
    assert.ok(rlhf && /^What is .*RLHF.*\?$/.test(rlhf.instruction), rlhf?.instruction);
    assert.ok(heldOut.length > 0.05 * all.length && heldOut.length < 0.3 * all.length, `${heldOut.length} of ${all.length}`);
    const key = (id: string): string => id.replace(/:(en|zh-cn)$/, '');
    const trainKeys = new Set(train.map((e) => key(e.id)));
    assert.ok(heldOut.every((e) => !trainKeys.has(key(e.id))), 'a held-out item is never trained on in the other language');
  });

  it('the mask marks exactly the answer tokens (and <|endoftext|> when the answer fits)', () => {
    const { tokenizer } = pretrained();
    const enc = encodeExample((t) => tokenizer.encode(t), tokenizer.endOfText, 'What is PPO?', 'An RL algorithm. It clips.', 'en', 64);
    assert.equal(tokenizer.decode(enc.tokens.slice(0, enc.promptLength)), formatPrompt('What is PPO?', 'en'));
    assert.equal(enc.tokens.at(-1), tokenizer.endOfText);
    const masked = maskedTokens(tokenizer, enc);
    assert.equal(masked.filter((m) => m.target).map((m) => m.text).join(''), 'An RL algorithm. It clips.<|endoftext|>');
    const { y, mask } = sftBatch([enc], 64, tokenizer.endOfText);
    const targets = Array.from(y).filter((_, i) => mask[i]);
    assert.deepEqual(targets, enc.tokens.slice(enc.promptLength));
  });

  it('a change to the prompt targets only leaves the loss unchanged; a change to an answer target changes it', () => {
    const { config, params, tokenizer } = pretrained();
    const model = new Gpt(config, { params });
    const enc = (instruction: string) => encodeExample((t) => tokenizer.encode(t), tokenizer.endOfText, instruction, 'It scores an answer.', 'en', 64);
    const a = enc('What is the reward model?');
    const other = enc('Which head sits on the trunk of the policy?');
    const { x, y, mask } = sftBatch([a], 64, tokenizer.endOfText);
    const base = model.forward(x, 1, 64, y, mask).loss;
    // Every prompt position gets another prompt's tokens as targets: none of them is counted.
    const yPrompt = Int32Array.from(y);
    for (let t = 0; t < a.promptLength - 1; t++) yPrompt[t] = other.tokens[(t + 1) % other.promptLength];
    assert.notDeepEqual(yPrompt, y);
    assert.equal(model.forward(x, 1, 64, yPrompt, mask).loss, base, 'prompt targets do not count');
    model.zeroGrad();
    model.forward(x, 1, 64, y, mask);
    model.backward();
    const g1 = Float32Array.from(model.grads);
    model.zeroGrad();
    model.forward(x, 1, 64, yPrompt, mask);
    model.backward();
    assert.deepEqual(model.grads, g1, 'nor do their gradients');
    const yAnswer = Int32Array.from(y);
    yAnswer[a.promptLength] = (yAnswer[a.promptLength] + 1) % config.vocabSize;
    assert.notEqual(model.forward(x, 1, 64, yAnswer, mask).loss, base, 'answer targets do');
  });

  it('SFT lowers the held-out answer loss and teaches the model that an answer ends', () => {
    const { config, params, tokenizer, examples } = pretrained();
    const trainer = new SftTrainer(config, params, tokenizer, examples.train, examples.heldOut, { steps: 60, batch: 8, lr: 3e-3, seed: 3 });
    const pre = new Gpt(config, { params });
    const before = answerLoss(pre, trainer.heldOut, tokenizer.endOfText);
    assert.equal(trainer.heldOutLoss(), before, 'starts from the pre-trained weights');
    for (let i = 0; i < 60; i++) trainer.runStep();
    const after = trainer.heldOutLoss();
    assert.ok(after < before - 0.3, `held-out answer loss ${before.toFixed(3)} → ${after.toFixed(3)}`);
    assert.equal(answerLoss(pre, encodeAll(tokenizer, examples.heldOut, 64), tokenizer.endOfText), before, 'the pre-trained weights are untouched');
    const stopBefore = stopProbability(pre, trainer.heldOut, tokenizer.endOfText);
    const stopAfter = stopProbability(trainer.model, trainer.heldOut, tokenizer.endOfText);
    assert.ok(stopAfter > 4 * stopBefore, `p(<|endoftext|>) after a complete held-out answer: ${stopBefore.toExponential(2)} → ${stopAfter.toExponential(2)}`);
    const samples = beforeAfter(pre, trainer.model, tokenizer, examples.heldOut.slice(0, 3), 24);
    assert.deepEqual(samples.map((s) => s.instruction), examples.heldOut.slice(0, 3).map((e) => e.instruction));
    assert.deepEqual(beforeAfter(pre, trainer.model, tokenizer, examples.heldOut.slice(0, 3), 24), samples, 'greedy samples are reproducible');
    assert.ok(samples.some((s) => s.before !== s.after), 'the tuned model answers differently');
  });
});
