import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, setSetting, waitFor, webviewFrame } from './support/host';
import { recordFigure } from './support/perf';

/** Our hover contains "LLM Lab" ("LLM Lab glossary" / "LLM Lab 术语表"); other providers' hovers are ignored. */
const MARKER = 'LLM Lab';

const opened: vscode.TextDocument[] = [];

/** An untitled document (hovers need no editor); after() reverts and closes them so nothing asks to save. */
async function open(language: string, content: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language, content });
  opened.push(document);
  return document;
}

async function closeOpened(): Promise<void> {
  for (const document of opened.splice(0)) {
    if (document.isClosed) continue;
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

/** Position `delta` characters into the `nth` occurrence of `needle`. */
function positionOf(document: vscode.TextDocument, needle: string, nth = 0, delta = 1): vscode.Position {
  const text = document.getText();
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" not in the document`);
  return document.positionAt(at + delta);
}

/** The markdown of our hover at `position`, or undefined when LLM Lab shows none there. */
async function glossaryHover(document: vscode.TextDocument, position: vscode.Position): Promise<string | undefined> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
  const texts = hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .filter((value) => value.includes(MARKER));
  return texts[0];
}

function lectureLinkArgs(markdown: string): unknown[] {
  const match = /\(command:llmLab\.openLecture\?([^)\s]+)\)/.exec(markdown);
  assert.ok(match, `no "Open in lecture" link in:\n${markdown}`);
  return JSON.parse(decodeURIComponent(match[1])) as unknown[];
}

describe('glossary hovers', () => {
  before(async () => {
    await activateExtension();
    await setSetting('llmLab.language', 'en');
  });

  after(async () => {
    await setSetting('llmLab.language', undefined);
    await setSetting('llmLab.glossary.hover', undefined);
    await setSetting('llmLab.glossary.languages', undefined);
    await closeOpened();
    await closeAllEditors();
  });

  it('explains English terms in markdown: both languages, the English definition, a link to the lecture section', async () => {
    const doc = await open('markdown', '# Notes\n\nChatGPT was aligned with RLHF, and GPT-3 showed in-context learning.\n');
    const rlhf = await glossaryHover(doc, positionOf(doc, 'RLHF'));
    assert.ok(rlhf, 'no glossary hover on RLHF');
    assert.match(rlhf, /Reinforcement learning from human feedback/);
    assert.match(rlhf, /基于人类反馈的强化学习/);
    assert.match(rlhf, /reward model/);
    assert.deepEqual(lectureLinkArgs(rlhf), ['rlhf-overview']);
    const icl = await glossaryHover(doc, positionOf(doc, 'in-context learning', 0, 12));
    assert.ok(icl, 'no glossary hover on "in-context learning"');
    assert.match(icl, /In-context learning/);
    assert.deepEqual(lectureLinkArgs(icl), ['in-context-learning']);
  });

  it('explains Chinese terms in markdown, matched without spaces around them', async () => {
    const doc = await open('markdown', '思维链提示让模型一步步推理，奖励模型给回答打分。\n');
    const cot = await glossaryHover(doc, positionOf(doc, '思维链', 0, 1));
    assert.ok(cot, 'no glossary hover on 思维链');
    assert.match(cot, /思维链/);
    assert.match(cot, /Chain-of-thought/);
    const rm = await glossaryHover(doc, positionOf(doc, '奖励模型', 0, 2));
    assert.ok(rm, 'no glossary hover on 奖励模型');
    assert.match(rm, /Reward model/);
    assert.deepEqual(lectureLinkArgs(rm), ['rlhf-reward-model']);
  });

  it('python: a term in a comment has a hover, the same letters in an identifier do not', async () => {
    const doc = await open('python', 'def ppo_step(batch):\n    # PPO keeps each update small\n    reward_model = load()\n    return reward_model\n');
    const inComment = await glossaryHover(doc, positionOf(doc, 'PPO keeps'));
    assert.ok(inComment, 'no glossary hover on PPO in a comment');
    assert.match(inComment, /Proximal policy optimi/);
    assert.equal(await glossaryHover(doc, positionOf(doc, 'ppo_step')), undefined, 'hover on the identifier ppo_step');
    assert.equal(await glossaryHover(doc, positionOf(doc, 'reward_model', 0, 3)), undefined, 'hover on the identifier reward_model');
  });

  it('a word that is no term, or an everyday word on its own, has no hover', async () => {
    const doc = await open('markdown', 'The quick brown fox jumps over the model with a token.\n');
    assert.equal(await glossaryHover(doc, positionOf(doc, 'quick')), undefined);
    assert.equal(await glossaryHover(doc, positionOf(doc, 'model')), undefined);
    assert.equal(await glossaryHover(doc, positionOf(doc, 'token')), undefined);
  });

  it('the lecture link in a hover opens the lecture at the term\'s section', async () => {
    const doc = await open('markdown', 'The KL penalty keeps the policy model near the SFT model.\n');
    const hover = await glossaryHover(doc, positionOf(doc, 'KL penalty'));
    assert.ok(hover, 'no glossary hover on "KL penalty"');
    const args = lectureLinkArgs(hover);
    assert.deepEqual(args, ['rlhf-ppo']);
    await vscode.commands.executeCommand('llmLab.openLecture', ...args);
    const frame = await webviewFrame('[data-testid="section"] h1[data-section-id]');
    await waitFor(async () => (await frame.getAttribute('h1[data-section-id]', 'data-section-id')) === 'rlhf-ppo', 'lecture shows rlhf-ppo');
  });

  it('llmLab.glossary.hover = false turns hovers off, live; true brings them back', async () => {
    const doc = await open('markdown', 'Hover RLHF here.\n');
    const at = positionOf(doc, 'RLHF');
    assert.ok(await glossaryHover(doc, at), 'no hover before the setting changes');
    await setSetting('llmLab.glossary.hover', false);
    await waitFor(async () => (await glossaryHover(doc, at)) === undefined, 'hover gone after llmLab.glossary.hover = false');
    await setSetting('llmLab.glossary.hover', undefined);
    await waitFor(() => glossaryHover(doc, at), 'hover back after resetting llmLab.glossary.hover');
  });

  it('llmLab.glossary.languages applies live: "*" reaches other languages, a shorter list drops python', async () => {
    const go = await open('go', 'package main\n\n// RLHF in a Go comment\nfunc main() {}\n');
    const py = await open('python', '# RLHF in a Python comment\n');
    assert.equal(await glossaryHover(go, positionOf(go, 'RLHF')), undefined, 'go is not in the default list');
    await setSetting('llmLab.glossary.languages', ['*']);
    await waitFor(() => glossaryHover(go, positionOf(go, 'RLHF')), 'hover in Go with languages = ["*"]');
    await setSetting('llmLab.glossary.languages', ['markdown']);
    await waitFor(async () => (await glossaryHover(py, positionOf(py, 'RLHF'))) === undefined, 'no hover in python with languages = ["markdown"]');
    await setSetting('llmLab.glossary.languages', undefined);
    await waitFor(() => glossaryHover(py, positionOf(py, 'RLHF')), 'python hover back with the default list');
  });

  it('llmLab.lookUpTerm with a term id (or a term name) resolves to the term and its section', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('llmLab.lookUpTerm', 'rlhf'), { id: 'rlhf', section: 'rlhf-overview' });
    assert.deepEqual(await vscode.commands.executeCommand('llmLab.lookUpTerm', '思维链'), { id: 'chain-of-thought', section: 'chain-of-thought' });
    assert.equal(await vscode.commands.executeCommand('llmLab.lookUpTerm', 'no-such-term'), undefined);
  });

  it('hover latency: the glossary provider against a provider that returns the same hover without any work (ratio ≤ 1.5)', async function (this: Mocha.Context) {
    this.timeout(180_000); // ~360 hover requests and six setting changes on a busy host
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(`Line ${i}: RLHF trains a reward model; 思维链 and in-context learning, then PPO with a KL penalty.`);
    const doc = await open('markdown', lines.join('\n'));
    const positions = Array.from({ length: 40 }, (_, i) => positionOf(doc, 'reward model', i * 9, 3));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
    const timeAll = async (): Promise<number[]> => {
      const times: number[] = [];
      for (const position of positions) {
        const started = performance.now();
        await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, position);
        times.push(performance.now() - started);
      }
      return times;
    };
    // The baseline returns a copy of our hover (same payload through the same IPC), so the ratio is our own work.
    const sample = await glossaryHover(doc, positions[0]);
    assert.ok(sample, 'no glossary hover to measure');
    const constant = new vscode.MarkdownString(sample);
    constant.isTrusted = { enabledCommands: ['llmLab.openLecture', 'llmLab.lookUpTerm'] };
    const baselineProvider: vscode.HoverProvider = { provideHover: (_d, p) => new vscode.Hover(constant, new vscode.Range(p, p.translate(0, 1))) };
    const withGlossary: number[] = [];
    const baseline: number[] = [];
    try {
      await timeAll(); // warm-up: glossary loaded, regions cached
      for (let round = 0; round < 3; round++) {
        withGlossary.push(...(await timeAll()));
        await setSetting('llmLab.glossary.hover', false);
        await waitFor(async () => (await glossaryHover(doc, positions[0])) === undefined, 'glossary hover off');
        const registration = vscode.languages.registerHoverProvider({ language: 'markdown' }, baselineProvider);
        try {
          baseline.push(...(await timeAll()));
        } finally {
          registration.dispose();
        }
        await setSetting('llmLab.glossary.hover', undefined);
        await waitFor(() => glossaryHover(doc, positions[0]), 'glossary hover back');
      }
    } finally {
      await setSetting('llmLab.glossary.hover', undefined);
    }
    const ratio = median(withGlossary) / median(baseline);
    recordFigure('glossary: hover request, glossary provider (median)', median(withGlossary), 'ms');
    recordFigure('glossary: hover request, constant provider with the same payload (median)', median(baseline), 'ms');
    recordFigure('glossary: hover latency ratio vs a no-work provider', ratio, '×');
    console.log(`      glossary hover: ${median(withGlossary).toFixed(2)} ms vs ${median(baseline).toFixed(2)} ms without matching (ratio ${ratio.toFixed(2)})`);
    assert.ok(ratio <= 1.5, `hover latency ratio ${ratio.toFixed(2)} > 1.5 (${median(withGlossary).toFixed(2)} vs ${median(baseline).toFixed(2)} ms)`);
  });
});
