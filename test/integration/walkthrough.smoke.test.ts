import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { waitFor, webviewFrame, workbenchPage } from './support/host';

// A clean host with only the packaged .vsix: follow the walkthrough's first three steps through the UI
// (command palette, clicks, a hover, typing), as a newcomer would. Nothing here calls the extension's API.
async function palette(page: Page, command: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
  await page.keyboard.type(command, { delay: 5 });
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
}

/** Moves the mouse onto a word in the editor, the way a person points at it. */
async function hoverWord(page: Page, word: string): Promise<void> {
  const box = await page.evaluate((w) => {
    const walker = document.createTreeWalker(document.querySelector('.monaco-editor .view-lines')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(w);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      const rect = range.getBoundingClientRect();
      return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
    }
    return undefined;
  }, word);
  if (!box) throw new Error(`"${word}" is not on screen`);
  await page.mouse.move(box.x - 30, box.y);
  await page.mouse.move(box.x, box.y, { steps: 5 });
}

async function stepButton(page: Page, stepId: string, label: RegExp): Promise<void> {
  const step = page.locator(`.getting-started-step[data-step-id$="#${stepId}"]`);
  await step.waitFor({ timeout: 15000 });
  await step.click();
  await page.locator(`.getting-started-step[data-step-id$="#${stepId}"] .button-container a`, { hasText: label }).first().click();
}

async function stepDone(page: Page, stepId: string): Promise<void> {
  await waitFor(async () => (await page.locator(`[data-done-step-id$="#${stepId}"][aria-checked="true"]`).count()) > 0, `step ${stepId} checked`, 15000);
}

describe('smoke: a newcomer follows the first three walkthrough steps', () => {
  afterEach(async function (this: Mocha.Context) {
    if (this.currentTest?.state !== 'failed') return;
    const page = await workbenchPage();
    await page.screenshot({ path: `${process.env.LLMLAB_REPO_ROOT}/test-results/smoke-failure-${Date.now()}.png` }).catch(() => undefined);
  });

  it('opens the walkthrough from the command palette', async () => {
    const page = await workbenchPage();
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
    await palette(page, 'LLM Lab: Open Walkthrough');
    await page.locator('.getting-started-step').first().waitFor({ timeout: 20000 });
    assert.ok((await page.locator('.getting-started-step').count()) >= 8);
  });

  it('step 1: "Open the lecture" opens the lecture panel and checks the step', async () => {
    const page = await workbenchPage();
    await stepButton(page, 'open-lecture', /Open the lecture/);
    const frame = await webviewFrame('h1[data-section-id]', 20000);
    assert.ok(((await frame.textContent('.section-body')) ?? '').length > 200);
    await palette(page, 'LLM Lab: Open Walkthrough');
    await stepDone(page, 'open-lecture');
  });

  it('step 2: opens the sample notes, hovering "RLHF" explains it, and the step is checked', async () => {
    const page = await workbenchPage();
    await stepButton(page, 'hover-term', /English notes/);
    await page.locator('.monaco-editor .view-line span', { hasText: 'RLHF' }).first().waitFor({ timeout: 15000 });
    await hoverWord(page, 'RLHF');
    const hover = page.locator('.monaco-hover:not(.hidden)');
    await waitFor(async () => /reinforcement learning from human feedback/i.test((await hover.textContent().catch(() => '')) ?? ''), 'RLHF hover with its definition', 15000);
    await page.mouse.move(10, 10);
    await palette(page, 'LLM Lab: Open Walkthrough');
    await stepDone(page, 'hover-term');
  });

  it('step 3: "Show tokens" asks for text, shows its tokens, and the step is checked', async function (this: Mocha.Context) {
    this.timeout(90_000); // the first use of a BPE vocabulary loads its rank table (seconds on a busy machine)
    const page = await workbenchPage();
    await stepButton(page, 'tokens', /Show tokens/);
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await page.waitForTimeout(300);
    await input.fill('Chain-of-thought prompting 思维链');
    await input.press('Enter');
    const frame = await webviewFrame('.tokenizer-panel [data-testid="tokenizer-tokens"]', 45000);
    await waitFor(async () => (await frame.$$('.tokenizer-panel [data-testid="tokenizer-tokens"] > *')).length > 3, 'tokens shown', 30000);
    await palette(page, 'LLM Lab: Open Walkthrough');
    await stepDone(page, 'tokens');
  });
});
