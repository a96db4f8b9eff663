import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Frame } from 'playwright-core';
import { MAX_STEPS } from '../../src/tinygpt/trainingMessages';
import { activateExtension, closeAllEditors, setSetting, waitFor, waitForWebviewsSettled, webviewFrame } from './support/host';

const id = (testId: string): string => `[data-testid="${testId}"]`;

async function textOf(frame: Frame, testId: string): Promise<string> {
  return ((await frame.textContent(id(testId))) ?? '').trim();
}

async function status(frame: Frame): Promise<string> {
  return (await frame.getAttribute(id('train-status'), 'data-status')) ?? '';
}

async function waitStatus(frame: Frame, want: string | RegExp, timeoutMs = 60000): Promise<void> {
  let last = '';
  await waitFor(async () => {
    last = await status(frame);
    return typeof want === 'string' ? last === want : want.test(last);
  }, `training status ${String(want)}`, {
    timeoutMs,
    intervalMs: 200,
    // What the page showed instead tells the cause: a run that ended, an error, a lost page.
    describe: async () => `the page shows status "${last}": ${await textOf(frame, 'train-status')}`,
  });
}

/** The step the page shows ("12 / 200" → 12). */
async function shownStep(frame: Frame): Promise<number> {
  return Number((await textOf(frame, 'meter-step')).split('/')[0]);
}

async function setNumber(frame: Frame, testId: string, value: number): Promise<void> {
  await frame.fill(id(testId), String(value));
}

describe('training panel: watch a GPT learn', function () {
  this.timeout(300000);
  let frame: Frame;

  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
    await closeAllEditors();
    await waitForWebviewsSettled();
    await vscode.commands.executeCommand('llmLab.openTraining');
    frame = await webviewFrame(id('train-start'), 30000);
  });

  after(async () => {
    await vscode.commands.executeCommand('llmLab.cancel');
    await setSetting('llmLab.language', undefined);
    await closeAllEditors();
  });

  it('the shipped model writes a continuation at once, with no training', async () => {
    assert.match(await textOf(frame, 'training-model'), /ships with LLM Lab/);
    const prompt = await frame.inputValue(id('try-prompt'));
    const output = await waitFor(async () => {
      const text = await textOf(frame, 'try-output');
      return text.startsWith(prompt) && text.length > prompt.length + 3 ? text : undefined;
    }, 'a generated continuation of the prompt', 60000, 250);
    assert.ok(output.length > prompt.length);
  });

  it('shows parameters and 6·N·D for the chosen size', async () => {
    await frame.check(id('size-tiny'));
    await setNumber(frame, 'train-steps', 300);
    await waitFor(async () => /6·N·D = 6 × [\d.]+k parameters × 512 tokens/.test(await textOf(frame, 'flops')), 'the compute estimate of the tiny size (512 tokens per step)');
    await frame.check(id('size-baby'));
    await waitFor(async () => /× 768 tokens/.test(await textOf(frame, 'flops')), 'the compute estimate follows the size');
    await frame.check(id('size-tiny'));
  });

  it('trains from scratch: the loss curve, tokens/s and samples appear; pause, resume, cancel', async () => {
    // The most steps the page takes: the tiny size trains ≈ 16 steps/s here (8,482 tokens/s), so a 300-step run could
    // end before the Pause click and the test then waited for a pause that cannot come (1 of 3 full runs failed so).
    await setNumber(frame, 'train-steps', MAX_STEPS);
    await setNumber(frame, 'train-every', 4);
    await frame.click(id('train-start'));
    await waitStatus(frame, 'running');
    // The curve: a drawn train-loss path with at least a few points, and a loss on the meter.
    await waitFor(async () => ((await frame.getAttribute(id('loss-train'), 'd')) ?? '').split('L').length >= 4, 'a train loss curve with several steps', 120000, 250);
    assert.match(await textOf(frame, 'meter-loss'), /^\d+\.\d{3}$/);
    // The step-0 sample (random weights) and one taken while training stay visible together.
    await frame.waitForSelector(id('sample-0'), { timeout: 60000 });
    await frame.waitForSelector(id('sample-4'), { timeout: 120000 });
    assert.match(await textOf(frame, 'sample-4'), /^step 4\s*The language model/);
    await waitFor(async () => /\d/.test(await textOf(frame, 'meter-tps')), 'tokens per second', 30000);
    // Validation loss is measured every 4 steps too.
    await waitFor(async () => /^\d+\.\d{3}$/.test(await textOf(frame, 'meter-val')), 'a validation loss', 60000, 250);

    // While samples arrive (here every 4 steps, several a second) the page stays where the reader put it and the
    // samples box follows its newest one; a reader who scrolls the box back stays there. The page used to scroll
    // itself to every new sample, moving Pause from under the pointer (a full run once lost its Pause click so).
    await frame.evaluate(() => window.scrollTo(0, 0));
    const samplesBox = frame.locator(id('samples'));
    const samplesShown = (): Promise<number> => samplesBox.locator('li[data-testid^="sample-"]').count();
    await waitFor(async () => (await samplesShown()) >= 12, 'enough samples to fill their box', 60000, 250);
    assert.equal(await frame.evaluate(() => window.scrollY), 0, 'the page scrolled itself to a new sample');
    const boxAtEnd = await samplesBox.evaluate((box) => box.scrollTop > 0 && box.scrollHeight - box.scrollTop - box.clientHeight <= 4);
    assert.ok(boxAtEnd, 'the samples box follows its newest sample');
    await samplesBox.evaluate((box) => box.scrollTo(0, 0));
    const shownBefore = await samplesShown();
    await waitFor(async () => (await samplesShown()) >= shownBefore + 2, 'two more samples', 60000, 250);
    assert.equal(await samplesBox.evaluate((box) => box.scrollTop), 0, 'the samples box pulled the reader back to its end');

    await frame.click(id('train-pause'));
    await waitStatus(frame, 'paused');
    assert.equal(await textOf(frame, 'train-pause'), 'Resume');
    const pausedAt = await shownStep(frame);
    await frame.click(id('train-pause'));
    await waitStatus(frame, 'running');
    await waitFor(async () => (await shownStep(frame)) > pausedAt + 1, 'training goes on after resume', 60000, 250);

    await frame.click(id('train-cancel'));
    await waitStatus(frame, 'cancelled');
    const stopped = await shownStep(frame);
    assert.ok(stopped > 0 && stopped < MAX_STEPS, `stopped at ${stopped}`);
    assert.equal(await frame.isDisabled(id('train-start')), false);
    // The model the panel now talks about is the one just trained.
    await waitFor(async () => /Your last trained model/.test(await textOf(frame, 'training-model')), 'the trained model replaces the shipped one');
  });

  it('llmLab.cancel stops a run started in the panel', async () => {
    await frame.click(id('train-start'));
    await waitStatus(frame, 'running');
    await waitFor(async () => (await shownStep(frame)) >= 1, 'a first step', 60000, 250);
    await vscode.commands.executeCommand('llmLab.cancel');
    await waitStatus(frame, 'cancelled');
  });

  it('fine-tunes with SFT from the panel: a live loss plot, then before/after answers to held-out instructions', async () => {
    await frame.$eval(id('stage-sft'), (el) => el.scrollIntoView({ block: 'center' }));
    await frame.fill(id('stage-steps-sft'), '3');
    await frame.click(id('stage-run-sft'));
    await waitFor(async () => (await frame.getAttribute(id('stage-status-sft'), 'data-status')) === 'done', 'the SFT stage finishes', 240000, 500);
    const d = await frame.$eval(`${id('stage-chart-sft-loss')} path.train-raw`, (el) => el.getAttribute('d') ?? '');
    assert.equal(d.split('L').length, 3, `one point per SFT step: ${d}`);
    // Axis text on screen about as large as the pre-training chart's at its drawn size (the stage charts' canvas
    // was squeezed into a column, ≈ 5 px, or a lone chart stretched to the panel, ≈ 38 px); y labels distinct.
    const textPx = (chart: string): Promise<number> =>
      frame.$eval(`${id(chart)}`, (svg) => svg.querySelector('.axes text')!.getBoundingClientRect().height * (svg as SVGSVGElement).viewBox.baseVal.width / svg.getBoundingClientRect().width);
    const shownPx = await frame.$eval(`${id('stage-chart-sft-loss')} .axes text`, (el) => el.getBoundingClientRect().height);
    const lossPx = await textPx('loss-chart');
    assert.ok(shownPx >= lossPx * 0.8 && shownPx <= lossPx * 1.2, `axis text ${shownPx.toFixed(1)} px in the SFT chart, ${lossPx.toFixed(1)} px in the loss chart drawn 1:1`);
    const yLabels = await frame.$$eval(`${id('stage-chart-sft-loss')} .axes text[text-anchor="end"]:not(.axis-label)`, (els) => els.map((el) => el.textContent));
    assert.ok(yLabels.length >= 2 && new Set(yLabels).size === yLabels.length, yLabels.join(' | '));
    assert.match(await textOf(frame, 'stage-metrics-sft'), /held-out answer loss \d+\.\d{3} → \d+\.\d{3}/);
    assert.ok((await frame.$$(`${id('stage-samples-sft')} tbody tr`)).length > 0, 'before/after rows');
  });

  it("the reward stage shows the scripted labeler's rule, and the rule follows an edited weight", async () => {
    await frame.$eval(id('stage-reward'), (el) => el.scrollIntoView({ block: 'center' }));
    assert.match(await textOf(frame, 'labeler-rule'), /\+2 if the answer names the right glossary term/);
    await frame.fill(id('rule-namesTerm'), '5');
    await waitFor(async () => /\+5 if the answer names the right glossary term/.test(await textOf(frame, 'labeler-rule')), 'the rule text follows the weight');
  });

  it("the learner ranks the SFT model's answers in the panel, and the reward model learns their rankings", async () => {
    await frame.$eval(id('learner-ranking'), (el) => el.scrollIntoView({ block: 'center' }));
    for (let k = 1; k <= 2; k++) {
      await frame.click(id('rank-sample'));
      await frame.waitForSelector(id('rank-item-3'), { timeout: 60000 });
      const first = await textOf(frame, 'rank-item-0');
      await frame.click(id('rank-down-0'));
      await waitFor(async () => (await textOf(frame, 'rank-item-1')) === first, 'the top answer moves down one place');
      await frame.click(id('rank-save'));
      await waitFor(async () => new RegExp(`Train on my ${k} rankings \\(${6 * k} pairs\\)`).test(await textOf(frame, 'rank-count')), `${k} ranking(s) saved`);
    }
    await frame.fill(id('stage-steps-reward'), '12');
    await frame.click(id('stage-run-reward'));
    await waitFor(async () => (await frame.getAttribute(id('stage-status-reward'), 'data-status')) === 'done', 'the reward stage finishes', 240000, 500);
    const m = /pair accuracy on your rankings (\d+)% → (\d+)%/.exec(await textOf(frame, 'stage-metrics-reward'));
    assert.ok(m, await textOf(frame, 'stage-metrics-reward'));
    assert.ok(Number(m[2]) > 50, `pair accuracy on the learner's rankings ${m[1]}% → ${m[2]}%`);
  });

  it('looks inside: an attention map per head and next-token probabilities for the typed sentence', async () => {
    await frame.fill(id('inspect-text'), 'The model learns from human feedback.');
    await frame.click(id('inspect-run'));
    await frame.waitForSelector(id('attention-grid'), { timeout: 60000 });
    // The tiny model just trained: 2 layers × 2 heads.
    assert.equal((await frame.$$(`${id('attention-grid')} figure`)).length, 4);
    assert.ok((await frame.$$(`${id('attention-0-0')} rect.attention-cell`)).length > 0);
    const probs = await frame.$$eval(`${id('next-tokens')} li .p`, (els) => els.map((e) => Number.parseFloat(e.textContent ?? '')));
    assert.equal(probs.length, 8);
    for (let i = 1; i < probs.length; i++) assert.ok(probs[i - 1] >= probs[i], `sorted: ${probs.join()}`);
  });
});
