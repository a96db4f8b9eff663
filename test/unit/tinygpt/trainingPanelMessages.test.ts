import assert from 'node:assert/strict';
import {
  flopsPerStep, MAX_STEPS, parseFromTrainingPage, parseStartOptions, parseToTrainingPage, parseTrainingRequest, TRAINING_SIZES,
  type RunSnapshot, type StageView,
} from '../../../src/tinygpt/trainingMessages';
import { modelInfoOf } from '../../../src/tinygpt/trainingInspect';
import { paramCount } from '../../../src/tinygpt/model';

const stageView = (patch: Partial<StageView> = {}): StageView => ({
  stage: 'ppo', status: 'running', totalSteps: 20, points: [{ step: 1, loss: 0.5, reward: -0.2, kl: 0.01 }], metrics: { reward: 0.1 },
  samples: [{ instruction: 'What is RLHF?', before: 'What is RLHF? What is', after: 'Reinforcement learning from human feedback.' }],
  rankings: [{ instruction: 'What is PPO?', answers: ['a', 'b', 'c', 'd'] }], ...patch,
});

const run = (patch: Partial<RunSnapshot> = {}): RunSnapshot => ({
  size: 'tiny', status: 'running', totalSteps: 10, step: 2, losses: [6.9, 6.5], valLosses: [{ step: 2, loss: 6.6 }], tokensPerSecond: 1234,
  samples: [{ step: 0, prompt: 'The', text: ' noise' }], ...patch,
});

describe('training panel: messages from the page', () => {
  it('keeps the known control messages and rebuilds them without extra fields', () => {
    for (const type of ['ready', 'pause', 'resume', 'cancel'] as const) {
      assert.deepEqual(parseFromTrainingPage({ type, extra: 'x' }), { type });
    }
  });

  it('start: a known size and whole step counts in 1…MAX_STEPS, nothing else', () => {
    assert.deepEqual(parseFromTrainingPage({ type: 'start', options: { size: 'baby', steps: 100, every: 10, evil: 1 } }), { type: 'start', options: { size: 'baby', steps: 100, every: 10 } });
    for (const options of [
      { size: 'huge', steps: 10, every: 1 },
      { size: 'tiny', steps: 0, every: 1 },
      { size: 'tiny', steps: MAX_STEPS + 1, every: 1 },
      { size: 'tiny', steps: 2.5, every: 1 },
      { size: 'tiny', steps: 10, every: Number.NaN },
      { size: 'tiny', steps: '10', every: 1 },
      undefined,
    ]) assert.equal(parseFromTrainingPage({ type: 'start', options }), undefined, JSON.stringify(options));
    assert.deepEqual(parseStartOptions({ size: 'tiny', steps: MAX_STEPS, every: 1 }), { size: 'tiny', steps: MAX_STEPS, every: 1 });
  });

  it('openLecture only for the listed sections (the page never names a command)', () => {
    assert.deepEqual(parseFromTrainingPage({ type: 'openLecture', section: 'compute-optimal' }), { type: 'openLecture', section: 'compute-optimal' });
    assert.equal(parseFromTrainingPage({ type: 'openLecture', section: '../../etc/passwd' }), undefined);
    assert.equal(parseFromTrainingPage({ type: 'openLecture', section: 'gpt4-rumors' }), undefined);
  });

  it('ignores unknown types, non-objects and malformed request envelopes', () => {
    for (const raw of [null, 'start', 42, [], { type: 'run' }, { type: 'request', requestId: 'x' }, { type: 'request', requestId: Number.POSITIVE_INFINITY }]) {
      assert.equal(parseFromTrainingPage(raw), undefined, JSON.stringify(raw));
    }
    assert.deepEqual(parseFromTrainingPage({ type: 'request', requestId: 3, payload: { type: 'bitsPerByte' } }), { type: 'request', requestId: 3, payload: { type: 'bitsPerByte' } });
  });
});

describe('training panel: running a fine-tuning stage', () => {
  const rule = { namesTerm: 2, perCharacter: -0.02, finished: 1, repetition: -2 };

  it('rebuilds a stage request with its β, γ and labeler rule', () => {
    assert.deepEqual(
      parseFromTrainingPage({ type: 'runStage', options: { stage: 'ppo', steps: 20, beta: 0, gamma: 1, rule: { ...rule, extra: 5 }, evil: true } }),
      { type: 'runStage', options: { stage: 'ppo', steps: 20, beta: 0, gamma: 1, rule } },
    );
  });

  it('refuses unknown stages, β or γ out of range, and a rule with a missing or non-finite weight', () => {
    const ok = { stage: 'reward', steps: 10, beta: 0.02, gamma: 1, rule };
    for (const bad of [
      { ...ok, stage: 'pretrain' },
      { ...ok, steps: 0 },
      { ...ok, beta: -0.1 },
      { ...ok, beta: 11 },
      { ...ok, gamma: Number.POSITIVE_INFINITY },
      { ...ok, rule: { namesTerm: 2, perCharacter: -0.02, finished: 1 } },
      { ...ok, rule: { ...rule, repetition: Number.NaN } },
      { ...ok, rule: { ...rule, finished: 1e6 } },
    ]) assert.equal(parseFromTrainingPage({ type: 'runStage', options: bad }), undefined, JSON.stringify(bad));
  });

  it('the page accepts a stage view and refuses a malformed one', () => {
    assert.ok(parseToTrainingPage({ type: 'stage', view: stageView() }));
    assert.equal(parseToTrainingPage({ type: 'stage', view: stageView({ stage: 'rlhf' as never }) }), undefined);
    assert.equal(parseToTrainingPage({ type: 'stage', view: stageView({ metrics: { reward: 'high' } as never }) }), undefined);
    assert.equal(parseToTrainingPage({ type: 'stage', view: stageView({ rankings: [{ instruction: 'x', answers: [1] }] as never }) }), undefined);
  });
});

describe('training panel: request payloads', () => {
  it('rebuilds valid questions', () => {
    assert.deepEqual(parseTrainingRequest({ type: 'generate', prompt: 'The', maxTokens: 8, temperature: 0.8, seed: 1, x: 1 }), { type: 'generate', prompt: 'The', maxTokens: 8, temperature: 0.8, seed: 1 });
    assert.deepEqual(parseTrainingRequest({ type: 'attention', text: '注意力' }), { type: 'attention', text: '注意力' });
    assert.deepEqual(parseTrainingRequest({ type: 'nextToken', text: 'a', k: 5 }), { type: 'nextToken', text: 'a', k: 5 });
    assert.deepEqual(parseTrainingRequest({ type: 'bitsPerByte' }), { type: 'bitsPerByte' });
  });

  it('refuses out-of-range numbers, long texts and unknown questions with a reason', () => {
    assert.throws(() => parseTrainingRequest({ type: 'generate', prompt: 'a', maxTokens: 1000, temperature: 1, seed: 1 }), /maxTokens/);
    assert.throws(() => parseTrainingRequest({ type: 'generate', prompt: 'a', maxTokens: 8, temperature: -1, seed: 1 }), /temperature/);
    assert.throws(() => parseTrainingRequest({ type: 'generate', prompt: 'a', maxTokens: 8, temperature: Number.NaN, seed: 1 }), /temperature/);
    assert.throws(() => parseTrainingRequest({ type: 'attention', text: 'x'.repeat(2001) }), /at most 2000/);
    assert.throws(() => parseTrainingRequest({ type: 'nextToken', text: 'a', k: 0 }), /k must/);
    assert.throws(() => parseTrainingRequest({ type: 'train' }), /unknown request/);
    assert.throws(() => parseTrainingRequest('generate'), /malformed/);
  });
});

describe('training panel: messages to the page', () => {
  const model = { source: 'shipped', layers: 4, heads: 4, dim: 128, context: 64, vocabSize: 1024, params: 900000, steps: 600, valLoss: 3.1 };

  it('accepts what the extension sends', () => {
    const init = { lang: 'en', strings: {}, sizes: [{ id: 'tiny', params: 1, flopsPerStep: 6 }], model, run: run(), stages: [], stageViews: [stageView()], prompt: 'The' };
    assert.ok(parseToTrainingPage({ type: 'init', init }));
    assert.ok(parseToTrainingPage({ type: 'run', run: run({ status: 'starting', step: 0, losses: [] }) }));
    assert.ok(parseToTrainingPage({ type: 'steps', from: 2, losses: [6.1, 5.9], tokensPerSecond: 900 }));
    assert.ok(parseToTrainingPage({ type: 'val', step: 4, loss: 5.8 }));
    assert.ok(parseToTrainingPage({ type: 'sample', sample: { step: 4, prompt: 'The', text: ' model' } }));
    assert.ok(parseToTrainingPage({ type: 'model', model: { ...model, source: 'trained' } }));
    assert.ok(parseToTrainingPage({ type: 'status', status: 'error', error: 'worker exited' }));
    assert.ok(parseToTrainingPage({ type: 'response', requestId: 1, ok: true, data: {} }));
  });

  it('a diverged loss (NaN) still reaches the page; broken shapes do not', () => {
    assert.ok(parseToTrainingPage({ type: 'steps', from: 0, losses: [Number.NaN], tokensPerSecond: 1 }));
    assert.equal(parseToTrainingPage({ type: 'steps', from: 0, losses: ['6.9'], tokensPerSecond: 1 }), undefined);
    assert.equal(parseToTrainingPage({ type: 'status', status: 'exploded' }), undefined);
    assert.equal(parseToTrainingPage({ type: 'model', model: { ...model, source: 'cloud' } }), undefined);
    assert.equal(parseToTrainingPage({ type: 'run', run: run({ size: 'huge' as never }) }), undefined);
    assert.equal(parseToTrainingPage({ type: 'sample', sample: { step: -1, prompt: '', text: '' } }), undefined);
    assert.equal(parseToTrainingPage({ type: 'init', init: { lang: 'fr', strings: {}, sizes: [], model, stages: [], prompt: '' } }), undefined);
  });
});

describe('training panel: sizes and compute', () => {
  it('6·N·D per step', () => {
    assert.equal(flopsPerStep(1_000_000, 768), 4_608_000_000);
  });

  it('the baby size is the shipped configuration and sizes grow', () => {
    const baby = TRAINING_SIZES.find((s) => s.id === 'baby')!;
    assert.deepEqual({ layers: baby.layers, heads: baby.heads, dim: baby.dim, context: baby.context }, { layers: 4, heads: 4, dim: 128, context: 64 });
    const counts = TRAINING_SIZES.map((s) => paramCount({ vocabSize: 1024, layers: s.layers, heads: s.heads, dim: s.dim, context: s.context }));
    assert.deepEqual([...counts].sort((a, b) => a - b), counts);
    for (const s of TRAINING_SIZES) assert.equal(s.dim % s.heads, 0, s.id);
  });

  it('model info reads steps and validation loss from training progress, else from the shipped meta', () => {
    const config = { vocabSize: 300, layers: 1, heads: 2, dim: 16, context: 16 };
    const params = new Float32Array(paramCount(config));
    assert.deepEqual(
      modelInfoOf({ config, params, progress: { step: 12, valLosses: [{ loss: 5 }, { loss: 4.5 }] } }, 'trained'),
      { source: 'trained', layers: 1, heads: 2, dim: 16, context: 16, vocabSize: 300, params: params.length, steps: 12, valLoss: 4.5 },
    );
    assert.equal(modelInfoOf({ config, params, progress: { step: 600, valLosses: [] }, meta: { valLoss: 3.2 } }, 'shipped').valLoss, 3.2);
    assert.equal(modelInfoOf({ config, params }, 'run').steps, 0);
  });
});
