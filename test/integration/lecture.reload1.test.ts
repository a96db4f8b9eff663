import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, setSetting, sleep, waitFor, webviewFrame, workbenchPage } from './support/host';
import { answerInPanel, questionsFor } from './support/questions';

// Phase 1 of the reload suite: leave state behind, then the runner reloads the window (phase 2 checks it).
describe('before a window reload', () => {
  it('opens the lecture on rlhf-sft, scrolls, and answers its first check correctly through the DOM', async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
    await vscode.commands.executeCommand('llmLab.openLecture', 'rlhf-sft');
    const frame = await webviewFrame('h1[data-section-id="rlhf-sft"]');
    const [question] = questionsFor('rlhf-sft');
    assert.ok(question, 'rlhf-sft has no questions');
    await answerInPanel(frame, question, false);
    await waitFor(async () => (await frame.getAttribute(`form[data-question="${question.id}"]`, 'data-result')) === 'wrong', 'wrong answer feedback');
    await answerInPanel(frame, question, true);
    await waitFor(async () => (await frame.getAttribute(`form[data-question="${question.id}"]`, 'data-result')) === 'correct', 'correct answer feedback');
    const explanation = await frame.textContent(`form[data-question="${question.id}"] [data-testid="check-feedback"]`);
    assert.ok(explanation && explanation.length > 20, 'no explanation shown');
    await vscode.commands.executeCommand('llmLab.openWalkthrough');
    const page = await workbenchPage();
    await waitFor(
      async () => (await page.locator('[data-done-step-id$="#check"][aria-checked="true"]').count()) > 0,
      'concept-check step checked right after answering',
      15000,
    );
    await vscode.commands.executeCommand('llmLab.openLecture', 'rlhf-sft');
    // The panel was hidden behind the walkthrough, so its webview was rebuilt: find the new frame.
    const shown = await webviewFrame('h1[data-section-id="rlhf-sft"]');
    await shown.evaluate(() => {
      const main = document.querySelector('.lecture-main') as HTMLElement;
      main.scrollTop = 400;
      main.dispatchEvent(new Event('scroll'));
    });
    await sleep(800); // state is saved after a short debounce
  });
});
