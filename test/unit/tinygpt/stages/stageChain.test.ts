import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../../../../src/tinygpt/checkpoint';
import { encodeCorpus } from '../../../../src/tinygpt/corpusFile';
import { Gpt } from '../../../../src/tinygpt/model';
import { parseStageArgs } from '../../../../src/tinygpt/stages/stageArgs';
import { startStage } from '../../../../src/tinygpt/stages/stageClient';
import { missingPrerequisite, rewardHead, type StagePaths, type StageProgress, type StageRequest } from '../../../../src/tinygpt/stages/stageRunner';
import { DEFAULT_RULE } from '../../../../src/tinygpt/stages/labeler';
import { pretrained, ROOT } from './fixture';

describe('tiny GPT stages chained from files on a worker thread', function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'tinygpt-stages-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const paths: StagePaths = {
    base: join(dir, 'pretrain.bin'), sft: join(dir, 'sft.bin'), reward: join(dir, 'reward.bin'), ppo: join(dir, 'ppo.bin'),
    content: join(ROOT, 'media'), corpus: join(dir, 'corpus.bin'),
  };
  const request = (stage: StageRequest['stage'], steps: number): StageRequest => ({ stage, steps, seed: 1, beta: 0.02, gamma: 1, rule: DEFAULT_RULE, paths });

  it('arguments: defaults, bad values refused with the field named', () => {
    assert.deepEqual(parseStageArgs({ stage: 'ppo' }), { stage: 'ppo', steps: 20, seed: 1, beta: 0.02, gamma: 1, rule: DEFAULT_RULE, showUi: false });
    assert.throws(() => parseStageArgs({ stage: 'rlhf' }), /stage must be one of sft, reward, ppo/);
    assert.throws(() => parseStageArgs({ stage: 'ppo', beta: -1 }), /beta must be/);
    assert.throws(() => parseStageArgs({ stage: 'sft', steps: 0 }), /steps must be/);
    assert.throws(() => parseStageArgs({ stage: 'reward', labeler: 'human' }), /labeler must be "scripted" or "learner"/);
  });

  it('each stage names the checkpoint it is missing', () => {
    const none = (): boolean => false;
    assert.equal(missingPrerequisite('sft', paths, none), 'pretrain');
    assert.equal(missingPrerequisite('reward', paths, none), 'sft');
    assert.equal(missingPrerequisite('ppo', paths, (p) => p === paths.sft), 'reward');
    assert.equal(missingPrerequisite('ppo', paths, () => true), undefined);
  });

  it('pre-trained → SFT → reward model → PPO, each from the previous checkpoint', async () => {
    const { config, params, tokenizer, data } = pretrained();
    writeFileSync(paths.base, encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), params }));
    writeFileSync(paths.corpus!, encodeCorpus(data));
    const progress: StageProgress[] = [];
    const onProgress = (p: StageProgress): number => progress.push(p);

    const sft = await startStage(request('sft', 3), { onProgress }).result;
    assert.equal(sft.ok, true);
    assert.equal(sft.steps, 3);
    assert.equal(sft.losses.length, 3);
    assert.ok(sft.metrics.heldOutLoss! < sft.metrics.heldOutLossBefore!, JSON.stringify(sft.metrics));
    assert.equal(sft.samples?.length, 3);
    assert.deepEqual(progress.map((p) => p.step), [1, 2, 3]);
    const sftCk = decodeCheckpoint(readFileSync(paths.sft));
    assert.equal(sftCk.meta?.stage, 'sft');
    assert.notDeepEqual(sftCk.params, params);

    const reward = await startStage(request('reward', 2), { onProgress }).result;
    assert.equal(reward.ok, true);
    assert.equal(reward.steps, 2);
    assert.ok(reward.metrics.pairAccuracy !== undefined && reward.metrics.pairAccuracy >= 0 && reward.metrics.pairAccuracy <= 1);
    assert.equal(rewardHead(decodeCheckpoint(readFileSync(paths.reward))).length, config.dim + 1);
    assert.ok(reward.rule?.en.length && reward.rule['zh-cn'].length);
    assert.ok(reward.rankings?.length && reward.rankings[0].answers.length === 4);

    const ppo = await startStage(request('ppo', 2), { onProgress }).result;
    assert.equal(ppo.ok, true);
    assert.equal(ppo.steps, 2);
    for (const key of ['reward', 'kl', 'ptxLoss'] as const) assert.ok(Number.isFinite(ppo.metrics[key]), `${key}: ${ppo.metrics[key]}`);
    const policy = decodeCheckpoint(readFileSync(paths.ppo));
    assert.equal(policy.meta?.stage, 'ppo');
    const model = new Gpt(policy.config, { params: policy.params });
    assert.ok(Number.isFinite(model.forward([1, 2, 3], 1, 3, [2, 3, 4]).loss), 'the tuned policy is an ordinary language model');
    assert.ok(existsSync(paths.ppo));
  });

  it('cancel stops a stage between steps and still writes its checkpoint', async () => {
    rmSync(paths.sft, { force: true });
    const run = startStage(request('sft', 500), { onProgress: (p) => p.step === 2 && run.cancel() });
    const result = await run.result;
    assert.equal(result.cancelled, true);
    assert.equal(result.ok, false);
    assert.ok(result.steps >= 2 && result.steps < 500, `${result.steps} steps`);
    assert.equal(decodeCheckpoint(readFileSync(paths.sft)).meta?.steps, result.steps);
  });
});
