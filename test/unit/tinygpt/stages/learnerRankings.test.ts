import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../../../../src/tinygpt/checkpoint';
import { DEFAULT_RULE } from '../../../../src/tinygpt/stages/labeler';
import { encodeLearnerRankings, instructionToRank, parseLearnerRankings, type LearnerRanking } from '../../../../src/tinygpt/stages/learnerRankings';
import { parseStageArgs } from '../../../../src/tinygpt/stages/stageArgs';
import { rewardHead, runStage, type StagePaths } from '../../../../src/tinygpt/stages/stageRunner';
import { formatPrompt } from '../../../../src/tinygpt/stages/sftData';
import { parseFromTrainingPage, parseTrainingRequest } from '../../../../src/tinygpt/trainingMessages';
import { pretrained, ROOT } from './fixture';

describe('tiny GPT stage 3: the learner as the labeler', function () {
  this.timeout(120_000);
  const ranking = (over: Partial<LearnerRanking> = {}): LearnerRanking => ({ prompt: 'What is RLHF?', answers: ['a', 'b', 'c', 'd'], order: [2, 0, 3, 1], ...over });

  it('rankings from a command or a page: checked field by field, the ranking named', () => {
    assert.deepEqual(parseLearnerRankings([ranking()]), [ranking()]);
    assert.throws(() => parseLearnerRankings([]), /rankings must be a list of 1 to 200/);
    assert.throws(() => parseLearnerRankings([ranking(), ranking({ order: [0, 0, 1, 2] })]), /rankings\[1\]: order must list each of the 4/);
    assert.throws(() => parseLearnerRankings([ranking({ answers: ['only one'], order: [0] })]), /answers must be 2 to 8/);
    assert.throws(() => parseLearnerRankings([ranking({ prompt: ' ' })]), /prompt must be/);
  });

  it('llmLab.train arguments: rankings make the learner the labeler, for the reward stage only', () => {
    assert.deepEqual(parseStageArgs({ stage: 'reward', rankings: [ranking()] }).rankings, [ranking()]);
    assert.equal(parseStageArgs({ stage: 'reward', labeler: 'scripted' }).rankings, undefined);
    assert.throws(() => parseStageArgs({ stage: 'reward', labeler: 'learner' }), /needs rankings/);
    assert.throws(() => parseStageArgs({ stage: 'ppo', rankings: [ranking()] }), /rankings are for the reward stage/);
    assert.throws(() => parseStageArgs({ stage: 'reward', labeler: 'human' }), /labeler must be "scripted" or "learner"/);
  });

  it('the Training page: asks for answers to rank, and runs the reward stage on the rankings it made', () => {
    assert.deepEqual(parseTrainingRequest({ type: 'answersToRank', n: 3 }), { type: 'answersToRank', n: 3 });
    assert.throws(() => parseTrainingRequest({ type: 'answersToRank', n: -1 }), /n must be/);
    const options = { stage: 'reward', steps: 10, beta: 0.02, gamma: 1, rule: { ...DEFAULT_RULE } };
    const run = (o: Record<string, unknown>): unknown => parseFromTrainingPage({ type: 'runStage', options: { ...options, ...o } });
    assert.deepEqual(run({ rankings: [ranking()] }), { type: 'runStage', options: { ...options, rankings: [ranking()] } });
    assert.equal(run({ rankings: [ranking({ order: [0, 1] })] }), undefined, 'a malformed ranking drops the message');
    assert.equal(run({ stage: 'ppo', rankings: [ranking()] }), undefined, 'rankings belong to the reward stage');
    assert.deepEqual(run({}), { type: 'runStage', options });
  });

  it('a ranking of K = 4 answers gives C(4,2) = 6 pairs, best first, each answer after the instruction template', () => {
    const { tokenizer, config } = pretrained();
    const [r] = encodeLearnerRankings(tokenizer, [ranking({ answers: ['one', 'two words', 'three little words', 'four'] })], config.context);
    assert.deepEqual(r.pairs, [[2, 0], [2, 3], [2, 1], [0, 3], [0, 1], [3, 1]]);
    const prompt = tokenizer.encode(formatPrompt('What is RLHF?', 'en'));
    assert.equal(r.sequences.length, 4);
    for (const [i, seq] of r.sequences.entries()) {
      assert.deepEqual(seq.slice(0, prompt.length), prompt);
      assert.equal(seq.at(-1), tokenizer.endOfText, 'the reward is read after the whole answer');
      assert.equal(tokenizer.decode(seq.slice(prompt.length, -1)), r.answers![i]);
    }
    const zh = encodeLearnerRankings(tokenizer, [ranking({ prompt: '什么是 RLHF？' })], config.context)[0];
    assert.deepEqual(zh.sequences[0].slice(0, -2), tokenizer.encode(formatPrompt('什么是 RLHF？', 'zh-cn')), 'a Chinese instruction gets the Chinese template');
    const long = encodeLearnerRankings(tokenizer, [ranking({ answers: ['x '.repeat(500), 'b', 'c', 'd'] })], config.context)[0];
    assert.ok(long.sequences[0].length <= config.context, 'a long answer is cut to the context, the end marker kept');
  });

  it('instructions to rank: in the learner\'s language, cycling through the list', () => {
    const { examples } = pretrained();
    const all = [...examples.train, ...examples.heldOut];
    const zh = instructionToRank(all, 'zh-cn', 3)!;
    assert.equal(zh.lang, 'zh-cn');
    const count = all.filter((e) => e.lang === 'en').length;
    assert.equal(instructionToRank(all, 'en', 1), instructionToRank(all, 'en', 1 + count));
    assert.notEqual(instructionToRank(all, 'en', 1), instructionToRank(all, 'en', 2));
    assert.equal(instructionToRank([], 'en', 0), undefined);
  });

  it('a reward model trained on the learner\'s rankings orders their pairs as they did (pair accuracy above 50%)', async () => {
    const { config, params, tokenizer, examples } = pretrained();
    const dir = mkdtempSync(join(tmpdir(), 'tinygpt-learner-'));
    try {
      const paths: StagePaths = { base: join(dir, 'pretrain.bin'), sft: join(dir, 'sft.bin'), reward: join(dir, 'reward.bin'), ppo: join(dir, 'ppo.bin'), content: join(ROOT, 'media') };
      writeFileSync(paths.sft, encodeCheckpoint({ config, tokenizer: tokenizer.toJSON(), params }));
      // This learner likes the reference answer, then a short answer to another question, then a cut-off
      // answer; an answer that repeats itself comes last — in whatever order the four were sampled.
      const rankings = examples.train.filter((e) => e.lang === 'en').slice(0, 8).map((e, i, list): LearnerRanking => {
        const words = e.answer.split(/\s+/).slice(0, 3).join(' ');
        const liked = [e.answer.slice(0, 60), list[(i + 3) % list.length].answer.slice(0, 30), e.answer.slice(0, 12), `${words} ${words} ${words}`];
        const shuffle = [[0, 1, 2, 3], [3, 1, 0, 2], [2, 3, 1, 0], [1, 0, 3, 2]][i % 4];
        const answers = shuffle.map((j) => liked[j]);
        return { prompt: e.instruction, answers, order: [0, 1, 2, 3].map((rank) => shuffle.indexOf(rank)) };
      });
      const r = await runStage({ stage: 'reward', steps: 30, seed: 3, beta: 0, gamma: 0, rule: DEFAULT_RULE, rankings, paths });
      assert.equal(r.ok, true);
      assert.equal(r.labeler, 'learner');
      assert.equal(r.metrics.pairAccuracyBefore, 0.5, 'a zero head scores every answer the same');
      assert.ok(r.metrics.pairAccuracy! >= 0.7, `pair accuracy on the learner's pairs 0.5 → ${r.metrics.pairAccuracy}`);
      assert.deepEqual(r.rankings![0].answers, [0, 1, 2, 3].map((rank) => rankings[0].answers[rankings[0].order[rank]]), 'shown best first');
      const ck = decodeCheckpoint(readFileSync(paths.reward));
      assert.equal(ck.meta?.labeler, 'learner');
      assert.equal(rewardHead(ck).length, config.dim + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
