import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, setSetting, waitFor, watchWebviewState, webviewFrame, workbenchPage } from './support/host';
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
    // Every other check of the section too: then the section is passed (★ in the table of contents, phase 2).
    for (const other of questionsFor('rlhf-sft').slice(1)) {
      await answerInPanel(frame, other, true);
      await waitFor(async () => (await frame.getAttribute(`form[data-question="${other.id}"]`, 'data-result')) === 'correct', `${other.id} answered correctly`);
    }
    await waitFor(async () => (await frame.textContent('.toc-item[data-section="rlhf-sft"] .toc-mark')) === '★', 'rlhf-sft marked passed in the table of contents');
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
    const savedState = await watchWebviewState(shown);
    await shown.evaluate(() => {
      const main = document.querySelector('.lecture-main') as HTMLElement;
      main.scrollTop = 400;
      main.dispatchEvent(new Event('scroll'));
    });
    // The page saves its state after a short debounce: wait until VS Code has it (what a reload restores).
    await waitFor(async () => {
      const state = (await savedState()) as { sectionId?: string; scrollTop?: number } | undefined;
      return state?.sectionId === 'rlhf-sft' && Math.abs((state.scrollTop ?? 0) - 400) < 60;
    }, 'VS Code holds the scrolled state of the page', 5000);
  });
});
