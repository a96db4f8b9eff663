// npm run screenshots — drives the real host (code-server + headless Chromium) with Playwright, like a person:
// command palette, clicks, hovers. Writes docs/screenshots/*.png (light and dark, English and Chinese).
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ModelServer } from '../test/server/modelServer';

const root = join(__dirname, '..');
// --training-only: only the Training panel's shots (one per theme and language).
const trainingOnly = process.argv.includes('--training-only');
// --stages-only: only the fine-tuning stages' shots (SFT, reward model, PPO; one per theme and language).
const stagesOnly = process.argv.includes('--stages-only');
const out = join(root, 'docs', 'screenshots');

interface HostKit {
  ensureCodeServer(): string;
  installExtension(dataDir: string, vsix: string): void;
  startCodeServer(o: Record<string, unknown>): Promise<{ url: string; stop(): void }>;
  launchBrowser(o?: Record<string, unknown>): Promise<import('playwright-core').Browser>;
  newWorkbenchPage(browser: import('playwright-core').Browser, o?: Record<string, unknown>): Promise<Page>;
}

async function palette(page: Page, command: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
  await page.keyboard.type(command.replace(/^>/, ''), { delay: 10 });
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
}

async function frameWith(page: Page, selector: string, timeoutMs = 20000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // detached
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no frame with ${selector}`);
}

async function session(kit: HostKit, server: ModelServer, name: string, theme: string, lang: 'en' | 'zh-cn', shots: (page: Page) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `llmlab-shots-${name}-`));
  const workspace = join(dataDir, 'workspace');
  cpSync(join(root, 'sample-workspace'), workspace, { recursive: true });
  kit.installExtension(dataDir, join(root, 'llm-lab.vsix'));
  const host = await kit.startCodeServer({
    dataDir,
    workspace,
    settings: {
      'workbench.colorTheme': theme,
      'llmLab.language': lang,
      'llmLab.provider': 'openai-compatible',
      'llmLab.baseUrl': server.baseUrl,
      'editor.minimap.enabled': false,
      'workbench.activityBar.location': 'default',
    },
  });
  const browser = await kit.launchBrowser();
  try {
    const page = await kit.newWorkbenchPage(browser, { viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
    await page.goto(host.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.waitForTimeout(2500);
    // The theme of settings.json, applied (the workbench carries the theme type as a class: vs = light).
    await page.waitForSelector(`.monaco-workbench.${/light/i.test(theme) ? 'vs' : 'vs-dark'}`, { timeout: 10000 });
    try {
      await shots(page);
    } catch (error) {
      await page.screenshot({ path: join(out, `failed-${name}.png`) });
      throw error;
    }
  } finally {
    await browser.close();
    host.stop();
    setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 2000).unref();
  }
}

async function lecture(page: Page, file: string, sectionTitle: RegExp): Promise<void> {
  let frame: Frame | undefined;
  // The first-run walkthrough may grab focus while the window settles: retry the palette.
  for (let attempt = 0; attempt < 3 && !frame; attempt++) {
    await page.keyboard.press('Escape');
    await palette(page, '>LLM Lab: Open Lecture');
    frame = await frameWith(page, 'h1[data-section-id]', 8000).catch(() => undefined);
  }
  if (!frame) throw new Error('the lecture did not open');
  const item = frame.locator('.toc-item', { hasText: sectionTitle }).first();
  await item.click();
  await frame.waitForSelector('h1[data-section-id="rlhf-reward-model"]', { timeout: 10000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(out, file) });
}

/**
 * The Training panel mid-training: a Tiny model from scratch, shot once a few samples and validation
 * points are on the page (the curve, tokens/s and the sample history in view), then the run is cancelled.
 */
async function training(page: Page, file: string): Promise<void> {
  await palette(page, 'View: Close All Editors');
  await page.waitForTimeout(800);
  await palette(page, '>LLM Lab: Open the Training Panel');
  const frame = await frameWith(page, '[data-testid="train-start"]', 30000);
  await frame.check('[data-testid="size-tiny"]');
  await frame.fill('[data-testid="train-steps"]', '400');
  await frame.fill('[data-testid="train-every"]', '25');
  await frame.click('[data-testid="train-start"]');
  await frame.waitForSelector('[data-testid="sample-150"]', { timeout: 300000 });
  await frame.$eval('[data-testid="train-start"]', (el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(out, file) });
  await frame.click('[data-testid="train-cancel"]');
  await frame.waitForSelector('[data-testid="train-status"][data-status="cancelled"]', { timeout: 60000 });
}

/**
 * The Training panel's fine-tuning stages on the shipped model, each run for a few steps and shot with its
 * card in view: SFT (loss, before/after answers), the reward model (the labeler's rule, pair accuracy,
 * rankings), PPO (reward, KL, ptx plots). Files: training-{sft,reward,ppo}-<theme>-<lang>.png.
 */
async function stages(page: Page, suffix: string): Promise<void> {
  await palette(page, 'View: Close All Editors');
  await page.waitForTimeout(800);
  await palette(page, '>LLM Lab: Open the Training Panel');
  const frame = await frameWith(page, '[data-testid="stage-run-sft"]', 30000);
  for (const [stage, steps] of [['sft', 20], ['reward', 8], ['ppo', 4]] as const) {
    await frame.fill(`[data-testid="stage-steps-${stage}"]`, String(steps));
    await frame.click(`[data-testid="stage-run-${stage}"]`);
    await frame.waitForSelector(`[data-testid="stage-status-${stage}"][data-status="done"]`, { timeout: 600000 });
    await frame.$eval(`[data-testid="stage-${stage}"]`, (el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(out, `training-${stage}-${suffix}.png`) });
  }
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const kit = (await import(join(root, 'test', 'host', 'hostKit.mjs'))) as HostKit;
  kit.ensureCodeServer();
  if (!existsSync(join(root, 'llm-lab.vsix')) || process.argv.includes('--package')) {
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs')], { stdio: 'inherit' });
  }
  const server = await ModelServer.start();
  // Replies like a model that fails the grade-school problems when answering directly and gets them right
  // when it reasons step by step (the pattern of Wei et al. 2022, Fig. 1).
  server.setRules(
    [
      { match: /Roger started with 5 balls[^]*cafeteria/, reply: 'The cafeteria had 23 apples originally. They used 20 to make lunch, so they had 23 - 20 = 3. They bought 6 more apples, so they have 3 + 6 = 9. The answer is 9.' },
      { match: /Roger started with 5 balls[^]*bakers/, reply: 'They sold 93 + 39 = 132 loaves. 200 - 132 = 68. The grocery store returned 6, so 68 + 6 = 74. The answer is 74.' },
      { match: /Roger started with 5 balls[^]*juggler/, reply: 'There are 16 balls. Half of them are golf balls: 8. Half of the golf balls are blue: 8 / 2 = 4. The answer is 4.' },
    ],
    'The answer is 27.',
  );
  try {
    await session(kit, server, 'dark-en', 'Default Dark Modern', 'en', async (page) => {
      if (stagesOnly) return stages(page, 'dark-en');
      if (trainingOnly) return training(page, 'training-dark-en.png');
      await lecture(page, 'lecture-dark-en.png', /reward model/i);
      if (process.argv.includes('--lecture-only')) return;
      // a glossary hover in the sample notes
      await page.keyboard.press('Control+P');
      await page.keyboard.type('notes-en.md', { delay: 10 });
      await page.waitForTimeout(500);
      await page.keyboard.press('Enter');
      await page.waitForSelector('.monaco-editor .view-lines', { timeout: 10000 });
      await page.waitForTimeout(1500);
      await page.locator('.monaco-editor .view-line span', { hasText: 'RLHF' }).first().waitFor({ timeout: 10000 });
      const box = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.querySelector('.monaco-editor .view-lines')!, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent!.indexOf('RLHF');
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 4);
          const rect = range.getBoundingClientRect();
          return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
        }
        return { x: 0, y: 0 };
      });
      await page.mouse.move(box.x - 30, box.y);
      await page.mouse.move(box.x, box.y, { steps: 5 });
      await page.waitForSelector('.monaco-hover:not(.hidden)', { timeout: 10000 });
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(out, 'hover.png') });
      await page.mouse.move(5, 5);
      // the playground: standard vs chain-of-thought
      await palette(page, '>LLM Lab: Run Demo');
      await page.waitForTimeout(600);
      await page.keyboard.type('vs standard prompting', { delay: 10 });
      await page.waitForTimeout(400);
      await page.keyboard.press('Enter');
      const playground = await frameWith(page, '[data-testid="run-button"]');
      await playground.waitForSelector('[data-testid^="verdict-"]', { timeout: 30000 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(out, 'playground-cot.png') });
      // the tokenizer
      await palette(page, 'View: Close All Editors');
      await page.waitForTimeout(800);
      await palette(page, '>LLM Lab: Show Tokens');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
      await page.keyboard.type('ChatGPT learns from human feedback. 思维链让模型一步一步地推理。', { delay: 5 });
      await page.keyboard.press('Enter');
      const tokenizer = await frameWith(page, '.tokenizer-panel [data-testid="tokenizer-tokens"]');
      for (let i = 0; i < 100 && (await tokenizer.$$('.tokenizer-panel [data-testid="tokenizer-tokens"] > *')).length < 4; i++) await page.waitForTimeout(300);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(out, 'tokenizer.png') });
      // the walkthrough (alone, so the only webview is its step's media)
      await palette(page, 'View: Close All Editors');
      await page.waitForTimeout(800);
      await palette(page, '>LLM Lab: Open Walkthrough');
      await page.waitForSelector('.getting-started-step', { timeout: 15000 });
      // The step's markdown media renders in a webview of its own: wait for its heading.
      await frameWith(page, 'h1');
      await page.waitForTimeout(1200);
      await page.screenshot({ path: join(out, 'walkthrough.png') });
      // the Training panel, mid-training
      await training(page, 'training-dark-en.png');
    });
    await session(kit, server, 'light-en', 'Default Light Modern', 'en', async (page) => {
      if (stagesOnly) return stages(page, 'light-en');
      if (trainingOnly) return training(page, 'training-light-en.png');
      await lecture(page, 'lecture-light-en.png', /reward model/i);
      await training(page, 'training-light-en.png');
    });
    await session(kit, server, 'dark-zh', 'Default Dark Modern', 'zh-cn', async (page) => {
      if (stagesOnly) return stages(page, 'dark-zh');
      if (trainingOnly) return training(page, 'training-dark-zh.png');
      await lecture(page, 'lecture-dark-zh.png', /奖励模型/);
      await training(page, 'training-dark-zh.png');
    });
    await session(kit, server, 'light-zh', 'Default Light Modern', 'zh-cn', async (page) => {
      if (stagesOnly) return stages(page, 'light-zh');
      if (trainingOnly) return training(page, 'training-light-zh.png');
      await lecture(page, 'lecture-light-zh.png', /奖励模型/);
      await training(page, 'training-light-zh.png');
    });
  } finally {
    await server.close();
  }
  console.log(`screenshots written to ${out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
