import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { setSetting, waitFor, webviewFrame, workbenchPage } from './support/host';
import { questionsFor } from './support/questions';

// Phase 2 of the reload suite: nothing is opened by the test; the serializer must bring the panel back.
describe('after a window reload', () => {
  after(async () => setSetting('llmLab.language', undefined));

  it('restores the lecture panel on the same section and scroll position', async () => {
    const frame = await webviewFrame('h1[data-section-id="rlhf-sft"]', 25000);
    const scrollTop = await waitFor(async () => frame.evaluate(() => (document.querySelector('.lecture-main') as HTMLElement).scrollTop), 'scroll restored', 10000);
    assert.ok(Math.abs(scrollTop - 400) < 60, `scrollTop ${scrollTop}`);
  });

  it('keeps progress: the answered check is still passed, the section is marked in the table of contents', async () => {
    const frame = await webviewFrame('h1[data-section-id="rlhf-sft"]');
    const [question] = questionsFor('rlhf-sft');
    const feedback = await frame.textContent(`form[data-question="${question.id}"] [data-testid="check-feedback"]`);
    assert.match(feedback ?? '', /Passed before/);
    // Phase 1 answered every check of rlhf-sft: the section is passed, ★ with its label in the table of contents.
    const mark = '.toc-item[data-section="rlhf-sft"] .toc-mark';
    assert.equal(await frame.textContent(mark), '★');
    assert.equal(await frame.getAttribute(mark, 'aria-label'), 'passed');
  });

  it('keeps the walkthrough state: the concept-check step is done', async () => {
    await vscode.commands.executeCommand('llmLab.openWalkthrough');
    const page = await workbenchPage();
    await waitFor(
      async () => (await page.locator('[data-done-step-id$="#check"][aria-checked="true"]').count()) > 0,
      'concept-check step checked after reload',
      15000,
    );
  });
});
