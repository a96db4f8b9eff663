import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyProgress, emptyProgress, progressContextKeys } from '../../../src/core/progressModel';
import { DEMO_IDS, WIDGET_IDS } from '../../../src/lecture/lectureTypes';
import { TRAINED_WIDGET_ID } from '../../../src/tinygpt/trainingMessages';
import { CHAIN_DONE_WIDGET_ID } from '../../../src/tinygpt/stages/stageArgs';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
const nlsZh: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8'));
const resolve = (value: string, table: Record<string, string>): string => value.replace(/^%(.+)%$/, (_, key: string) => table[key] ?? `<missing ${key}>`);

/** Every context key the progress store can ever set (all demos/widgets/sections run, checked, used). */
function reachableContextKeys(): Set<string> {
  let state = emptyProgress();
  state = applyProgress(state, { kind: 'sectionRead', sectionId: 'gpt1' });
  state = applyProgress(state, { kind: 'termHovered', termId: 'rlhf' });
  state = applyProgress(state, { kind: 'modelConnected' });
  state = applyProgress(state, { kind: 'lectureOpened' });
  state = applyProgress(state, { kind: 'checkAnswered', questionId: 'gpt1-1', sectionId: 'gpt1', correct: true, answer: 0 });
  for (const id of DEMO_IDS) state = applyProgress(state, { kind: 'demoRun', demoId: id, ok: true });
  for (const id of WIDGET_IDS) state = applyProgress(state, { kind: 'widgetUsed', widgetId: id });
  state = applyProgress(state, { kind: 'widgetUsed', widgetId: TRAINED_WIDGET_ID });
  state = applyProgress(state, { kind: 'widgetUsed', widgetId: CHAIN_DONE_WIDGET_ID });
  return new Set(Object.keys(progressContextKeys(state)));
}

describe('walkthrough', () => {
  const walkthrough = pkg.contributes.walkthroughs.find((w: { id: string }) => w.id === 'llmLab.gettingStarted');
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const settings = new Set(Object.keys(pkg.contributes.configuration.properties));
  const views = new Set(Object.values(pkg.contributes.views).flat().map((v) => (v as { id: string }).id));

  it('has 8–12 steps in lecture order with titles in both languages', () => {
    assert.ok(walkthrough, 'llmLab.gettingStarted is not contributed');
    assert.ok(walkthrough.steps.length >= 8 && walkthrough.steps.length <= 12, `${walkthrough.steps.length} steps`);
    for (const step of walkthrough.steps) {
      assert.ok(!resolve(step.title, nls).includes('<missing'), step.id);
      assert.match(resolve(step.title, nlsZh), /[\u4e00-\u9fff]/, `${step.id}: no Chinese title`);
    }
  });

  it("every step's media file exists in English and Chinese", () => {
    for (const step of walkthrough.steps) {
      for (const table of [nls, nlsZh]) {
        const path = resolve(step.media.markdown ?? step.media.svg ?? step.media.image, table);
        assert.ok(existsSync(join(root, path)), `${step.id}: ${path} is missing`);
      }
    }
  });

  it('every command link in a step names a contributed command with valid JSON arguments', () => {
    // `command:toSide:` (VS Code's walkthrough form): the editor the command opens goes beside the walkthrough.
    for (const step of walkthrough.steps) {
      for (const table of [nls, nlsZh]) {
        const description = resolve(step.description, table);
        const links = [...description.matchAll(/\(command:(?:toSide:)?([A-Za-z.]+)(?:\?([^)]*))?\)/g)];
        assert.ok(links.length > 0, `${step.id}: no button`);
        for (const [, id, args] of links) {
          assert.ok(commands.has(id), `${step.id}: ${id} is not a contributed command`);
          if (args) assert.doesNotThrow(() => JSON.parse(decodeURIComponent(args)), `${step.id}: bad args ${args}`);
        }
      }
    }
  });

  it('buttons that open an editor open it beside the walkthrough, so the walkthrough stays in view', () => {
    const opensEditor = /^llmLab\.(openLecture|resumeLecture|openSample|openTraining|runDemo)$/;
    for (const step of walkthrough.steps) {
      for (const table of [nls, nlsZh]) {
        for (const [, toSide, id] of resolve(step.description, table).matchAll(/\(command:(toSide:)?([A-Za-z.]+)/g)) {
          if (opensEditor.test(id)) assert.ok(toSide, `${step.id}: ${id} should be command:toSide:${id}`);
        }
      }
    }
  });

  it('every completion event names a real command, setting, view or context key the extension sets', () => {
    const contextKeys = reachableContextKeys();
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents?.length, `${step.id}: no completion event`);
      for (const event of step.completionEvents as string[]) {
        const [kind, name] = event.split(/:(.*)/s) as [string, string];
        if (kind === 'onCommand') assert.ok(commands.has(name), `${step.id}: ${name}`);
        else if (kind === 'onSettingChanged') assert.ok(settings.has(name), `${step.id}: ${name}`);
        else if (kind === 'onView') assert.ok(views.has(name), `${step.id}: ${name}`);
        else if (kind === 'onContext') assert.ok(contextKeys.has(name), `${step.id}: context key ${name} is never set`);
        else assert.fail(`${step.id}: unsupported completion event ${event}`);
      }
    }
  });
});
