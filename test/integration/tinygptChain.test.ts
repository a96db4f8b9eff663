import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readGgufFile } from '../../src/gguf/ggufReader';
import * as vscode from 'vscode';
import type { DemoResult } from '../../src/demos/demoTypes';
import type { StageCommandResult } from '../../src/tinygpt/stages/stageCommand';
import { activateExtension } from './support/host';

async function train(arg: Record<string, unknown>): Promise<StageCommandResult> {
  const result = await vscode.commands.executeCommand<StageCommandResult>('llmLab.train', arg);
  assert.ok(result, 'llmLab.train returned nothing');
  return result;
}

// The shipped pre-trained model through the three InstructGPT stages, as a learner (or the walkthrough)
// would run them, with tiny step counts: this checks the wiring — worker, checkpoints, chaining, serving the
// tuned policy as a built-in model — not quality.
describe('tiny GPT: pre-trained → SFT → reward model → PPO through llmLab.train', function () {
  this.timeout(900_000);

  before(async () => {
    await activateExtension();
  });

  it('tiny GPT chain: each stage starts from the previous checkpoint, and a stage without one says which is missing', async () => {
    const early = await train({ stage: 'ppo', steps: 1 });
    assert.equal(early.ok, false);
    assert.match(early.error ?? '', /sft/, 'PPO without an SFT checkpoint names the missing stage');
    const bad = await train({ stage: 'sft', steps: -3 });
    assert.equal(bad.ok, false);
    assert.match(bad.error ?? '', /steps/);

    const sft = await train({ stage: 'sft', steps: 2, seed: 7 });
    assert.equal(sft.ok, true, sft.error);
    assert.equal(sft.stage, 'sft');
    assert.equal(sft.steps, 2);
    assert.equal(sft.losses.length, 2);
    assert.ok(sft.losses.every(Number.isFinite));
    assert.ok(sft.checkpoint && existsSync(sft.checkpoint), `checkpoint ${sft.checkpoint}`);
    assert.ok(Number.isFinite(sft.metrics.heldOutLoss));

    const reward = await train({ stage: 'reward', steps: 1, seed: 7, labeler: 'scripted' });
    assert.equal(reward.ok, true, reward.error);
    assert.ok(reward.checkpoint && existsSync(reward.checkpoint));
    assert.ok(typeof reward.metrics.pairAccuracy === 'number' && reward.metrics.pairAccuracy >= 0 && reward.metrics.pairAccuracy <= 1);
    assert.ok(reward.rule && reward.rule.en.length > 0, 'the labeler rule comes back readable');

    // The learner as the labeler: their own rankings of four answers, handed over as data.
    const rankings = [
      { prompt: 'What is RLHF?', answers: ['Reinforcement learning from human feedback.', 'RLHF RLHF RLHF RLHF', 'A model.', 'What is RLHF? What is'], order: [0, 2, 3, 1] },
      { prompt: 'What is a token?', answers: ['token token token', 'A piece of text the model reads.', 'Text.', 'What is a token? What'], order: [1, 2, 3, 0] },
      { prompt: 'What is PPO?', answers: ['PPO PPO PPO', 'Maybe.', 'Proximal policy optimization, an RL algorithm.', 'What is PPO? What is'], order: [2, 1, 3, 0] },
    ];
    const mine = await train({ stage: 'reward', steps: 12, seed: 7, rankings });
    assert.equal(mine.ok, true, mine.error);
    assert.equal(mine.labeler, 'learner');
    assert.ok(mine.metrics.pairAccuracy! > 0.5, `pair accuracy on the learner's own pairs: ${mine.metrics.pairAccuracyBefore} → ${mine.metrics.pairAccuracy}`);
    assert.equal(mine.rankings?.[0].answers[0], 'Reinforcement learning from human feedback.', 'their rankings come back best first');

    const ppo = await train({ stage: 'ppo', steps: 1, seed: 7, beta: 0.02, gamma: 1 });
    assert.equal(ppo.ok, true, ppo.error);
    assert.equal(ppo.steps, 1);
    assert.ok(ppo.checkpoint && existsSync(ppo.checkpoint));
    assert.ok(Number.isFinite(ppo.metrics.reward) && Number.isFinite(ppo.metrics.kl), JSON.stringify(ppo.metrics));
    assert.ok(ppo.samples && ppo.samples.length > 0);

    // The tuned policy exports to GGUF like the pre-trained model, with its own weights.
    type Exported = { ok: boolean; path?: string; bytes?: number; model?: string; error?: string };
    const exported = async (model: string): Promise<{ r: Exported; file: Buffer }> => {
      const r = await vscode.commands.executeCommand<Exported>('llmLab.exportModel', { model, format: 'gguf' });
      assert.ok(r?.ok && r.path, `export ${model}: ${r?.error}`);
      assert.equal(r.model, model);
      return { r, file: readFileSync(r.path) };
    };
    const latest = await vscode.commands.executeCommand<Exported>('llmLab.exportModel', {});
    assert.equal(latest?.model, 'tinygpt-ppo', 'without a model: the checkpoint trained last');
    const policy = await exported('tinygpt-ppo');
    const base = await exported('tinygpt');
    const headers = [policy, base].map(({ r }) => readGgufFile(r.path!));
    for (const h of headers) assert.equal(h.architecture, 'gpt2');
    assert.match(String(headers[0].name), /PPO/);
    assert.deepEqual(headers[0].tensors.map((x) => x.name), headers[1].tensors.map((x) => x.name), 'same layout');
    const embd = headers.map((h, i) => {
      const info = h.tensors.find((x) => x.name === 'token_embd.weight')!;
      const start = h.dataOffset + info.offset;
      return [policy, base][i].file.subarray(start, start + 4 * info.dims.reduce((a, b) => a * b, 1));
    });
    assert.equal(embd[0].length, embd[1].length);
    assert.ok(!embd[0].equals(embd[1]), 'the PPO policy\'s weights differ from the pre-trained ones');

    // The tuned policy is a built-in model like the others.
    const demo = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', { id: 'next-token', provider: 'builtin', model: 'tinygpt-ppo', showUi: false });
    assert.ok(demo, 'runDemo returned nothing');
    assert.equal(demo.ok, true, JSON.stringify(demo.error));
    assert.equal(demo.provider, 'builtin');
    assert.equal(demo.model, 'tinygpt-ppo');
  });
});
