import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FigureInliner } from '../../../src/lecture/figureInliner';
import { plainText, proseSize, renderMarkdown } from '../../../src/lecture/markdownRenderer';
import { sanitize } from '../../../src/lecture/sanitizer';

describe('markdown renderer', () => {
  it('renders display and inline math as MathML (no inline styles, so the CSP holds)', () => {
    const html = renderMarkdown('Loss:\n\n$$\\text{loss}(\\theta) = -\\log \\sigma(r_w - r_l)$$\n\nwith $\\beta = 0.02$.');
    assert.match(html, /<div class="math-display">(<span class="katex">)?<math/);
    assert.match(html, /<math[^>]*><semantics>/);
    assert.ok(!/style=/.test(html), 'inline style attribute survived');
    assert.ok((html.match(/<math/g) ?? []).length === 2);
  });

  it('does not treat prices as math', () => {
    const html = renderMarkdown('It cost $5 and then $6.');
    assert.ok(!html.includes('<math'));
  });

  it('turns ::demo and ::widget lines into buttons and mount points', () => {
    const html = renderMarkdown('Text\n\n::demo[cot-vs-standard]\n\n::widget[ranking-loss]\n');
    assert.match(html, /<button class="run-demo" data-demo="cot-vs-standard">/);
    assert.match(html, /<div class="try-it widget" data-widget="ranking-loss"/);
  });

  it('strips raw HTML, scripts and event handlers from content', () => {
    const html = renderMarkdown('Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">b</b>\n\n<iframe src="https://evil"></iframe>');
    assert.ok(!/<script|onerror|onclick|<iframe|<img/i.test(html), html);
  });

  it('keeps https links, in-page section links and llmLab command links, and drops javascript: and other commands', () => {
    const html = renderMarkdown('[a](https://arxiv.org/abs/2203.02155) [b](#rlhf-ppo) [c](javascript:alert(1)) [d](command:llmLab.openLecture) [e](command:workbench.action.terminal.new)');
    assert.match(html, /href="https:\/\/arxiv.org\/abs\/2203.02155" data-external="1"/);
    assert.match(html, /href="#rlhf-ppo" data-section="rlhf-ppo"/);
    assert.match(html, /href="command:llmLab.openLecture"/);
    assert.ok(!/javascript:/i.test(html));
    assert.ok(!/workbench\.action/.test(html));
  });

  it('sanitize: removes a command: link to anything but LLM Lab, even written as raw HTML', () => {
    assert.ok(!/href/.test(sanitize('<a href="command:workbench.action.openSettings">x</a>')));
    assert.match(sanitize('<a href="command:llmLab.runDemo">x</a>'), /href="command:llmLab.runDemo"/);
  });

  it('highlights fenced code and escapes it', () => {
    const html = renderMarkdown('```python\nx = "<b>"  # comment\n```');
    assert.match(html, /<pre class="code"><code class="hljs language-python">/);
    assert.match(html, /hljs-string/);
    assert.ok(!html.includes('"<b>"'));
  });

  it('marks corrections and post-lecture notes as callouts', () => {
    const html = renderMarkdown('> **Correction:** GPT-2 has 1.5B parameters.\n\n> **讲座之后：** GPT-4 发布。');
    assert.match(html, /<blockquote class="callout correction">/);
    assert.match(html, /<blockquote class="callout after-lecture">/);
  });

  it('proseSize: counts English words and Chinese characters beyond tables and formulas', () => {
    const { words } = proseSize('## Title here\n\nOne two three.\n\n| a | b |\n|---|---|\n| x | y |\n\n$$x+y$$');
    assert.equal(words, 3);
    assert.equal(proseSize('思维链提示').cjk, 5);
    assert.ok(!plainText('::widget[ppo]\n\nabc').includes('widget'));
  });
});

describe('figure inliner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fig-'));
  mkdirSync(join(dir, 'images'));
  writeFileSync(
    join(dir, 'images', 'demo.svg'),
    `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" viewBox="0 0 400 100">
      <style>.box { fill: var(--vscode-charts-blue, #3794ff); }</style>
      <defs><marker id="arrow"><path d="M0 0L10 5L0 10z"/></marker></defs>
      <rect class="box" x="1" y="1" width="10" height="10" style="stroke: currentColor"/>
      <line x1="0" y1="0" x2="5" y2="5" stroke="var(--vscode-foreground, #333)" marker-end="url(#arrow)"/>
      <script>alert(1)</script><text x="1" y="2" onclick="alert(2)">GPT</text></svg>`,
  );

  it('inlines a theme-aware SVG without style attributes, scripts or handlers, with unique ids', () => {
    const inliner = new FigureInliner(dir);
    const svg = inliner.inline('images/demo.svg')!;
    assert.ok(svg.startsWith('<svg'));
    assert.ok(!/style=|<style|<script|onclick|alert/.test(svg), svg);
    assert.match(svg, /id="demo--arrow"/);
    assert.match(svg, /url\(#demo--arrow\)/);
    assert.ok(!/width="400"/.test(svg), 'fixed pixel width kept');
    const css = inliner.css();
    assert.match(css, /stroke:\s?currentColor/);
    assert.match(css, /stroke:var\(--vscode-foreground, #333\)/);
    assert.match(css, /\.fig-demo \.box\{fill: var\(--vscode-charts-blue, #3794ff\);\}/);
  });

  it('refuses paths outside media/images and missing files', () => {
    const inliner = new FigureInliner(dir);
    assert.equal(inliner.inline('../secret.svg'), undefined);
    assert.equal(inliner.inline('images/none.svg'), undefined);
  });
});
