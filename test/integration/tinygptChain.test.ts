import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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

    const ppo = await train({ stage: 'ppo', steps: 1, seed: 7, beta: 0.02, gamma: 1 });
    assert.equal(ppo.ok, true, ppo.error);
    assert.equal(ppo.steps, 1);
    assert.ok(ppo.checkpoint && existsSync(ppo.checkpoint));
    assert.ok(Number.isFinite(ppo.metrics.reward) && Number.isFinite(ppo.metrics.kl), JSON.stringify(ppo.metrics));
    assert.ok(ppo.samples && ppo.samples.length > 0);

    // The tuned policy is a built-in model like the others.
    const demo = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', { id: 'next-token', provider: 'builtin', model: 'tinygpt-ppo', showUi: false });
    assert.ok(demo, 'runDemo returned nothing');
    assert.equal(demo.ok, true, JSON.stringify(demo.error));
    assert.equal(demo.provider, 'builtin');
    assert.equal(demo.model, 'tinygpt-ppo');
  });
});
