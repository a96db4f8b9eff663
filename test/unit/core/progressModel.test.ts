import assert from 'node:assert/strict';
import {
  applyProgress, emptyProgress, migrateProgress, ProgressPersistence, progressContextKeys, resumeSection, sectionPassed, summarizeParts,
} from '../../../src/core/progressModel';
import { CHAIN_DONE_WIDGET_ID } from '../../../src/tinygpt/stages/stageArgs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const sections = [
  { id: 'a', part: 'p1', order: 1 },
  { id: 'b', part: 'p1', order: 2 },
  { id: 'c', part: 'p2', order: 3 },
];
const questions = [
  { id: 'a-1', sectionId: 'a' },
  { id: 'a-2', sectionId: 'a' },
  { id: 'c-1', sectionId: 'c' },
];

describe('progress model', () => {
  it('records reads, checks, demos, widgets and terms without mutating the old state', () => {
    const s0 = emptyProgress();
    const s1 = applyProgress(s0, { kind: 'sectionRead', sectionId: 'a' }, 10);
    assert.deepEqual(s0.sections, {});
    assert.deepEqual(s1.sections, { a: { readAt: 10 } });
    assert.equal(s1.lastSectionId, 'a');
    const s2 = applyProgress(s1, { kind: 'demoRun', demoId: 'cot-vs-standard', ok: true }, 11);
    const s3 = applyProgress(s2, { kind: 'demoRun', demoId: 'cot-vs-standard', ok: false }, 12);
    assert.deepEqual(s3.demos['cot-vs-standard'], { at: 12, ok: true, count: 2 });
  });

  it('a passed check stays passed after a wrong retry, and attempts are counted', () => {
    let s = applyProgress(emptyProgress(), { kind: 'checkAnswered', questionId: 'a-1', sectionId: 'a', correct: true, answer: 1 });
    s = applyProgress(s, { kind: 'checkAnswered', questionId: 'a-1', sectionId: 'a', correct: false, answer: 0 });
    assert.equal(s.checks['a-1'].correct, true);
    assert.equal(s.checks['a-1'].attempts, 2);
  });

  it('a section passes only when all its questions were answered correctly', () => {
    let s = applyProgress(emptyProgress(), { kind: 'checkAnswered', questionId: 'a-1', sectionId: 'a', correct: true, answer: 1 });
    assert.equal(sectionPassed(s, 'a', questions), false);
    s = applyProgress(s, { kind: 'checkAnswered', questionId: 'a-2', sectionId: 'a', correct: true, answer: 1 });
    assert.equal(sectionPassed(s, 'a', questions), true);
    assert.equal(sectionPassed(s, 'b', questions), false, 'a section without questions is never "passed"');
  });

  it('summarizes parts with score and the sections to revisit', () => {
    let s = applyProgress(emptyProgress(), { kind: 'sectionRead', sectionId: 'a' });
    s = applyProgress(s, { kind: 'checkAnswered', questionId: 'a-1', sectionId: 'a', correct: true, answer: 1 });
    const [p1, p2] = summarizeParts(s, sections, questions);
    assert.deepEqual(p1, { part: 'p1', sections: 2, read: 1, questions: 2, correct: 1, revisit: ['a'] });
    assert.deepEqual(p2, { part: 'p2', sections: 1, read: 0, questions: 1, correct: 0, revisit: ['c'] });
  });

  it('resume: the first unread section in lecture order', () => {
    const s = applyProgress(emptyProgress(), { kind: 'sectionRead', sectionId: 'a' });
    assert.equal(resumeSection(s, sections), 'b');
    let all = s;
    for (const id of ['b', 'c']) all = applyProgress(all, { kind: 'sectionRead', sectionId: id });
    assert.equal(resumeSection(all, sections), 'c');
  });

  it('context keys for the walkthrough reflect what was really done', () => {
    let s = emptyProgress();
    assert.equal(progressContextKeys(s)['llmLab.modelConnected'], false);
    s = applyProgress(s, { kind: 'demoRun', demoId: 'few-shot-sentiment', ok: true });
    s = applyProgress(s, { kind: 'demoRun', demoId: 'pal', ok: false });
    s = applyProgress(s, { kind: 'widgetUsed', widgetId: 'ranking-loss' });
    s = applyProgress(s, { kind: 'checkAnswered', questionId: 'rlhf-ppo-1', sectionId: 'rlhf-ppo', correct: true, answer: 0 });
    const keys = progressContextKeys(s);
    assert.equal(keys['llmLab.demoRan.fewShotSentiment'], true);
    assert.equal(keys['llmLab.demoRan.pal'], false, 'a failed run does not complete the step');
    assert.equal(keys['llmLab.widgetUsed.rankingLoss'], true);
    assert.equal(keys['llmLab.checkPassed.rlhfPpo'], true);
    assert.equal(keys['llmLab.anyCheckPassed'], true);
    assert.equal(keys['llmLab.lectureOpened'], false);
    assert.equal(progressContextKeys(applyProgress(s, { kind: 'lectureOpened' }))['llmLab.lectureOpened'], true);
  });

  it("finishing the PPO stage sets the context key that completes the walkthrough's RLHF step", () => {
    const key = 'llmLab.widgetUsed.rlhfChain';
    assert.equal(progressContextKeys(emptyProgress())[key], undefined);
    const done = applyProgress(emptyProgress(), { kind: 'widgetUsed', widgetId: CHAIN_DONE_WIDGET_ID });
    assert.equal(progressContextKeys(done)[key], true);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { walkthroughs: Array<{ steps: unknown[] }> } };
    const steps = pkg.contributes.walkthroughs.flatMap((w) => w.steps as Array<{ id: string; completionEvents?: string[] }>);
    assert.ok(steps.find((st) => st.id === 'rlhf')?.completionEvents?.includes(`onContext:${key}`), 'the rlhf step completes on it');
  });

  it('migrates version 1, keeps valid current state, resets garbage', () => {
    const v1 = migrateProgress({ version: 1, read: ['a', 7], passed: ['a-1'] }, 5);
    assert.equal(v1.notice, 'migrated');
    assert.deepEqual(v1.state.sections, { a: { readAt: 5 } });
    assert.equal(v1.state.checks['a-1'].sectionId, 'a');
    assert.equal(migrateProgress(undefined).notice, 'none');
    assert.equal(migrateProgress('garbage').notice, 'reset');
    assert.equal(migrateProgress({ version: 1.5 }).notice, 'reset');
    assert.equal(migrateProgress({ version: '3' }).notice, 'reset');
    const kept = migrateProgress({ version: 2, sections: { a: { readAt: 1 }, b: { readAt: 'x' } }, checks: { q: { nope: 1 } }, demos: {}, widgets: {}, terms: {} });
    assert.equal(kept.notice, 'none');
    assert.deepEqual(Object.keys(kept.state.sections), ['a'], 'invalid entries are dropped, valid ones kept');
    assert.deepEqual(kept.state.checks, {});
  });

  describe('progress from a newer version', () => {
    const KEY = 'llmLab.progress';
    class FakeMemento {
      readonly values = new Map<string, unknown>();
      writes = 0;
      get(key: string): unknown {
        return this.values.get(key);
      }
      async update(key: string, value: unknown): Promise<void> {
        this.writes++;
        this.values.set(key, structuredClone(value));
      }
    }
    const newer = () => ({
      version: 3,
      sections: { gpt1: { readAt: 10 }, gpt3: { readAt: 20, readingTimeMs: 5000 } },
      checks: {}, demos: { pal: { at: 7, ok: true, count: 2 } }, widgets: {}, terms: {},
      futureField: { streak: 12 },
    });

    it('progress: a newer version is read as far as it is understood, with notice "newer"', () => {
      const { state, notice } = migrateProgress(newer());
      assert.equal(notice, 'newer');
      assert.deepEqual(Object.keys(state.sections), ['gpt1', 'gpt3']);
      assert.equal(state.demos.pal.count, 2);
    });

    it('progress: stored progress of a newer version is never written back, whatever is recorded', async () => {
      const memento = new FakeMemento();
      memento.values.set(KEY, newer());
      const persistence = new ProgressPersistence(memento, KEY);
      let { state } = persistence.load();
      assert.equal(persistence.readOnly, true);
      state = applyProgress(state, { kind: 'sectionRead', sectionId: 'rlhf-ppo' });
      await persistence.save(state);
      assert.deepEqual(memento.values.get(KEY), newer(), 'the newer version\'s data was changed');
    });

    it('progress: the read-only notice is announced once per newer version', () => {
      const memento = new FakeMemento();
      memento.values.set(KEY, newer());
      const first = new ProgressPersistence(memento, KEY);
      first.load();
      assert.equal(first.shouldAnnounceReadOnly(), true);
      assert.equal(first.shouldAnnounceReadOnly(), false);
      const nextSession = new ProgressPersistence(memento, KEY);
      nextSession.load();
      assert.equal(nextSession.shouldAnnounceReadOnly(), false);
      memento.values.set(KEY, { ...newer(), version: 4 });
      const afterAnotherUpgrade = new ProgressPersistence(memento, KEY);
      afterAnotherUpgrade.load();
      assert.equal(afterAnotherUpgrade.shouldAnnounceReadOnly(), true);
      assert.deepEqual((memento.values.get(KEY) as { version: number }).version, 4);
    });

    it('progress: an explicit reset replaces it, and then progress is saved again', async () => {
      const memento = new FakeMemento();
      memento.values.set(KEY, newer());
      const persistence = new ProgressPersistence(memento, KEY);
      persistence.load();
      let state = await persistence.clear();
      assert.equal(persistence.readOnly, false);
      state = applyProgress(state, { kind: 'sectionRead', sectionId: 'gpt1' });
      await persistence.save(state);
      assert.equal((memento.values.get(KEY) as { version: number }).version, 2);
      assert.ok('gpt1' in (memento.values.get(KEY) as { sections: object }).sections);
    });

    it('progress: current progress is saved, older progress migrated and written back', async () => {
      const memento = new FakeMemento();
      memento.values.set(KEY, { version: 1, read: ['gpt1'], passed: [] });
      const persistence = new ProgressPersistence(memento, KEY);
      const { state, notice } = persistence.load();
      assert.equal(notice, 'migrated');
      assert.equal((memento.values.get(KEY) as { version: number }).version, 2);
      await persistence.save(applyProgress(state, { kind: 'sectionRead', sectionId: 'gpt3' }));
      assert.ok('gpt3' in (memento.values.get(KEY) as { sections: object }).sections);
      assert.equal(persistence.readOnly, false);
    });
  });
});
