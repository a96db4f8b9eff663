import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Frame } from 'playwright-core';
import { activateExtension, closeAllEditors, setSetting, waitFor, webviewFrame } from './support/host';

interface TokenizeResult {
  encoding: string;
  count: number;
  tokens: { id: number; text: string }[];
}

/** Sets an <input> (range or number) the way a person does: value, then an input event. */
async function setInput(frame: Frame, testId: string, value: string): Promise<void> {
  await frame.$eval(
    `[data-testid="${testId}"]`,
    (el, v) => {
      (el as HTMLInputElement).value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

async function textOf(frame: Frame, testId: string): Promise<string> {
  return ((await frame.textContent(`[data-testid="${testId}"]`)) ?? '').trim();
}

async function waitText(frame: Frame, testId: string, want: string | RegExp, message: string): Promise<void> {
  await waitFor(async () => {
    const text = await textOf(frame, testId);
    return typeof want === 'string' ? text === want : want.test(text);
  }, `${message} (${testId})`, 10000);
}

/** Opens a lecture section and returns the webview frame once `testId` (inside its widget) is there. */
async function widgetIn(section: string, testId: string): Promise<Frame> {
  await vscode.commands.executeCommand('llmLab.openLecture', section);
  const frame = await webviewFrame(`[data-testid="${testId}"]`, 20000);
  await frame.$eval(`[data-testid="${testId}"]`, (el) => el.scrollIntoView({ block: 'center' }));
  return frame;
}

describe('lessons: llmLab.tokenize', () => {
  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
  });
  after(async () => {
    await setSetting('llmLab.language', undefined);
    await closeAllEditors();
  });

  it('resolves { encoding, count, tokens } for a text argument: "hello world" is [15339, 1917] in cl100k_base', async () => {
    const result = await vscode.commands.executeCommand<TokenizeResult>('llmLab.tokenize', { text: 'hello world', showUi: false });
    assert.deepEqual(result, { encoding: 'cl100k_base', count: 2, tokens: [{ id: 15339, text: 'hello' }, { id: 1917, text: ' world' }] });
  });

  it('{ text, encoding: r50k_base } on Chinese: more tokens than characters, and the texts join back exactly', async () => {
    const text = '哈尔滨是一座美丽城市。';
    const r50k = await vscode.commands.executeCommand<TokenizeResult>('llmLab.tokenize', { text, encoding: 'r50k_base', showUi: false });
    const o200k = await vscode.commands.executeCommand<TokenizeResult>('llmLab.tokenize', { text, encoding: 'o200k_base', showUi: false });
    assert.equal(r50k.encoding, 'r50k_base');
    assert.equal(r50k.tokens.map((t) => t.text).join(''), text);
    assert.equal(r50k.count, r50k.tokens.length);
    assert.ok(r50k.count > [...text].length, `r50k: ${r50k.count}`);
    assert.ok(o200k.count < r50k.count, `o200k ${o200k.count} vs r50k ${r50k.count}`);
  });

  it('rejects an unknown encoding with a message', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('llmLab.tokenize', { text: 'x', encoding: 'gpt2', showUi: false })),
      /Unknown encoding/,
    );
  });

  it('shows the tokenizer panel; changing the text and the encoding in it updates the count', async () => {
    await vscode.commands.executeCommand('llmLab.tokenize', 'hello world');
    const frame = await webviewFrame('[data-testid="tokenizer-count"]', 20000);
    await waitText(frame, 'tokenizer-count', '2', 'two tokens for hello world');
    await frame.fill('[data-testid="tokenizer-input"]', '哈尔滨是一座美丽城市。');
    await frame.selectOption('[data-testid="tokenizer-encoding"]', 'r50k_base');
    await waitText(frame, 'tokenizer-count', '23', 'GPT-2 splits the Chinese sentence into 23 tokens');
    await frame.selectOption('[data-testid="tokenizer-encoding"]', 'o200k_base');
    await waitText(frame, 'tokenizer-count', '8', 'o200k needs 8');
    await waitText(frame, 'compare-r50k_base-zh', '23', 'the side-by-side table');
    // Switching the language re-renders the panel in Chinese and keeps the reader's text and encoding.
    await setSetting('llmLab.language', 'zh-cn');
    try {
      const zh = await webviewFrame('html[lang="zh-cn"] [data-testid="tokenizer-count"]', 20000);
      assert.equal(await zh.inputValue('[data-testid="tokenizer-input"]'), '哈尔滨是一座美丽城市。');
      await waitText(zh, 'tokenizer-count', '8', 'o200k still selected after the switch');
      assert.match((await zh.textContent('body')) ?? '', /每个词元的字符数/, 'labels in Chinese');
    } finally {
      await setSetting('llmLab.language', undefined);
    }
  });

  it('with no argument, tokenizes the editor selection', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'one two three', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 3);
    const result = await vscode.commands.executeCommand<TokenizeResult>('llmLab.tokenize');
    assert.deepEqual(result.tokens.map((t) => t.text), ['one']);
  });
});

describe('lessons: widgets in the lecture', () => {
  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
  });
  after(async () => {
    await setSetting('llmLab.language', undefined);
    await closeAllEditors();
  });

  it('attention: dense n = 8 computes 36 pairs; strided n = 6, l = 2 computes 17; arrow keys move the query row', async () => {
    const frame = await widgetIn('sparse-attention', 'attention-count');
    await frame.check('[data-testid="attention-pattern-dense"]');
    await setInput(frame, 'attention-n', '8');
    await waitText(frame, 'attention-count', '36', 'n(n+1)/2 for n = 8');
    await waitText(frame, 'attention-total', '64', 'n²');
    await frame.check('[data-testid="attention-pattern-strided"]');
    await setInput(frame, 'attention-n', '6');
    await setInput(frame, 'attention-stride', '2');
    await waitText(frame, 'attention-count', '17', 'strided pairs worked by hand');
    const before = await textOf(frame, 'attention-row');
    await frame.press('[data-testid="attention-grid"]', 'ArrowUp');
    await waitFor(async () => (await textOf(frame, 'attention-row')) !== before, 'the query row moved with the keyboard');
  });

  it('attention: its settings are kept when the section is revisited', async () => {
    let frame = await widgetIn('sparse-attention', 'attention-n');
    await setInput(frame, 'attention-n', '12');
    await vscode.commands.executeCommand('llmLab.openLecture', 'gpt3');
    await webviewFrame('h1[data-section-id="gpt3"]');
    frame = await widgetIn('sparse-attention', 'attention-n');
    await waitFor(async () => (await frame.inputValue('[data-testid="attention-n"]')) === '12', 'n kept');
  });

  it('ranking loss: equal rewards give ln 2 ≈ 0.693; adding a fifth answer makes C(5,2) = 10 pairs', async () => {
    const frame = await widgetIn('rlhf-reward-model', 'ranking-loss');
    const k = Number(await textOf(frame, 'ranking-k'));
    for (let i = 0; i < k; i++) await setInput(frame, `ranking-reward-${i}`, '0');
    await waitText(frame, 'ranking-loss', '0.693', 'ln 2');
    while (Number(await textOf(frame, 'ranking-k')) > 4) await frame.click('[data-testid="ranking-remove"]');
    await frame.click('[data-testid="ranking-add"]');
    await waitText(frame, 'ranking-pairs', '10', 'C(5,2)');
    const top = await frame.getAttribute('[data-testid="ranking-item-0"]', 'data-key');
    await frame.click('[data-testid="ranking-down-0"]');
    await waitFor(async () => (await frame.getAttribute('[data-testid="ranking-item-1"]', 'data-key')) === top, 'the best answer moved down one place');
  });

  it('PPO: β = 0 collapses the policy onto the reward model\'s favourite and the KL grows', async () => {
    const frame = await widgetIn('rlhf-ppo', 'ppo-beta');
    await frame.click('[data-testid="ppo-reset"]');
    const klBefore = Number(await textOf(frame, 'ppo-kl'));
    await frame.click('[data-testid="ppo-beta-zero"]');
    await waitFor(async () => Number(await textOf(frame, 'ppo-kl')) > klBefore, 'KL grows with β = 0');
    await waitFor(async () => parseFloat(await textOf(frame, 'ppo-policy-2')) > 90, 'the over-rated answer takes > 90 %');
    assert.match(await textOf(frame, 'ppo-note'), /reward hacking/);
  });

  it('scaling: GPT-3\'s shape gives 173.9B parameters and 300B tokens give 3.13e23 FLOPs (≈ 6ND)', async () => {
    const frame = await widgetIn('gpt-sizes', 'scaling-params');
    await frame.selectOption('[data-testid="scaling-preset"]', 'gpt-3');
    await setInput(frame, 'scaling-tokens', '300');
    await waitText(frame, 'scaling-params', '173.9B', '12·96·12288²');
    await waitText(frame, 'scaling-flops', /^3\.13e23/, '6·N·D');
    await setInput(frame, 'scaling-layers', '12');
    await setInput(frame, 'scaling-dmodel', '768');
    await waitText(frame, 'scaling-params', '84.93M', '12·12·768²');
  });

  it('next-token: the built-in model lists next tokens; clicking one appends it to the text', async () => {
    const frame = await widgetIn('nlp-paradigms', 'next-token-prefix');
    await frame.fill('[data-testid="next-token-prefix"]', 'The reward model');
    // The list follows the text after a short debounce: wait until it is conditioned on "reward model".
    await waitText(frame, 'next-token-order', /«␣reward» «␣model»/, 'distribution for the new text');
    await waitFor(async () => (await frame.$$('[data-testid^="next-token-option-"]')).length > 0, 'next-token options');
    // Read the option's token and click it in one step inside the page, so the token checked is the one clicked.
    const token = await frame.$eval('[data-testid="next-token-option-0"]', (button) => {
      (button as HTMLButtonElement).click();
      return button.getAttribute('data-token') ?? '';
    });
    assert.ok(token.length > 0, 'the first option has no token');
    await waitFor(async () => (await frame.inputValue('[data-testid="next-token-prefix"]')) === `The reward model${token}`, `«${token}» appended to the text`);
  });

  it('temperature: T = 0 is greedy (the same text whatever the seed)', async () => {
    const frame = await widgetIn('token-level-rl', 'temperature-t');
    await setInput(frame, 'temperature-t', '0');
    await waitFor(async () => /T = 0\.00/.test(await textOf(frame, 'temperature-output')), 'T = 0 row is the current one');
    const first = await textOf(frame, 'temperature-output');
    const hot = await textOf(frame, 'temperature-sample-1.5');
    const seed = Number(await frame.inputValue('[data-testid="temperature-seed"]'));
    await frame.click('[data-testid="temperature-sample"]');
    // Sampled again: the seed moved on, the samples are no longer busy, and at T = 1.5 the new seed drew
    // another text (the sampler is seeded, so this holds on every run).
    await waitFor(async () => Number(await frame.inputValue('[data-testid="temperature-seed"]')) === seed + 1, 'a new seed');
    await waitFor(async () => (await frame.getAttribute('[data-testid="temperature-samples"]', 'aria-busy')) === null && (await textOf(frame, 'temperature-sample-1.5')) !== hot, 'new samples with the new seed');
    assert.equal(await textOf(frame, 'temperature-output'), first);
  });
});
