import assert from 'node:assert/strict';
import { IncrementalMarkdown, inlineText, markdownOps, parseInline, safeHref, type MdOp } from '../../../src/webview-ui/playground/incrementalMarkdown';
import { MarkdownView } from '../../../src/webview-ui/playground/markdownView';
import { FakeElement, fakeDocument } from './fakeDocument';

function renderOnce(text: string): FakeElement {
  const root = new FakeElement('div');
  const view = new MarkdownView(fakeDocument, root);
  view.push(text);
  view.finish();
  return root;
}

function renderStreamed(deltas: string[]): FakeElement {
  const root = new FakeElement('div');
  const view = new MarkdownView(fakeDocument, root);
  for (const d of deltas) view.push(d);
  view.finish();
  return root;
}

/** Deterministic pseudo-random cuts (1–7 characters). */
function cuts(text: string, seed: number): string[] {
  const parts: string[] = [];
  let x = seed;
  for (let i = 0; i < text.length; ) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % 7);
    parts.push(text.slice(i, i + n));
    i += n;
  }
  return parts;
}

const SAMPLE = [
  '## Working it out',
  '',
  'The cafeteria had **23 apples**. They used *20* for lunch, so `23 - 20 = 3`.',
  'Then they bought 6 more.',
  '',
  '1. Start: 23',
  '2. Used: 20',
  '   still part of item two',
  '3. Bought: 6',
  '',
  '- a bullet with [a link](https://arxiv.org/abs/2201.11903)',
  '* another bullet',
  '',
  '> A quote',
  '> continues here',
  '',
  '```python',
  'def solution():',
  '    # **not bold** in code',
  '    return 23 - 20 + 6',
  '```',
  '',
  '---',
  'The answer is 9.',
].join('\n');

describe('incremental markdown', () => {
  it('markdown: streamed in any cuts renders exactly what rendering the final text once renders', () => {
    const once = renderOnce(SAMPLE).outerHTML;
    assert.equal(renderStreamed([...SAMPLE]).outerHTML, once, 'one character at a time');
    for (const seed of [1, 7, 42, 1234]) assert.equal(renderStreamed(cuts(SAMPLE, seed)).outerHTML, once, `seed ${seed}`);
    assert.equal(renderStreamed(SAMPLE.split(/(?<=\n)/)).outerHTML, once, 'line by line');
  });

  it('markdown: blocks come out as paragraphs, headings, lists, quotes, code and rules', () => {
    const html = renderOnce(SAMPLE).outerHTML;
    assert.match(html, /^<div><h4>Working it out<\/h4><p>The cafeteria had <strong>23 apples<\/strong>\. They used <em>20<\/em> for lunch, so <code>23 - 20 = 3<\/code>\.<br>Then they bought 6 more\.<\/p>/);
    assert.match(html, /<ol><li>Start: 23<\/li><li>Used: 20<br>still part of item two<\/li><li>Bought: 6<\/li><\/ol>/);
    assert.match(html, /<ul><li>a bullet with <a href="https:\/\/arxiv\.org\/abs\/2201\.11903" data-external="1" title="[^"]+">a link<\/a><\/li><li>another bullet<\/li><\/ul>/);
    assert.match(html, /<blockquote>A quote<br>continues here<\/blockquote>/);
    assert.match(html, /<pre data-lang="python"><code data-lang="python">def solution\(\):\n {4}# \*\*not bold\*\* in code\n {4}return 23 - 20 \+ 6<\/code><\/pre>/);
    assert.match(html, /<hr><p>The answer is 9\.<\/p><\/div>$/);
  });

  it('markdown: HTML, event handlers and javascript: links in model output stay inert text', () => {
    const evil = 'Hi <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">\n[click](javascript:window.__pwned=3) and [data](data:text/html,<b>x</b>)';
    const root = renderStreamed(cuts(evil, 3));
    assert.equal(root.querySelectorAll('script').length, 0);
    assert.equal(root.querySelectorAll('img').length, 0);
    assert.equal(root.querySelectorAll('a').length, 0, 'no link for javascript: or data: URLs');
    assert.match(root.textContent, /<script>window\.__pwned=1<\/script>/, 'the markup is shown as text');
    assert.match(root.textContent, /click and data/);
    assert.equal(safeHref('javascript:alert(1)'), undefined);
    assert.equal(safeHref(' JAVASCRIPT:alert(1)'), undefined);
    assert.equal(safeHref('https://example.com/a?b=1'), 'https://example.com/a?b=1');
  });

  it('markdown: the partial last line is previewed with its bold already bold, then replaced by its final form', () => {
    const root = new FakeElement('div');
    const view = new MarkdownView(fakeDocument, root);
    view.push('First line.\nThe answer is **9');
    assert.match(root.outerHTML, /<p>First line\.<br><span class="md-pending">The answer is <strong>9<\/strong><\/span><\/p>/);
    view.push('** indeed');
    view.finish();
    assert.equal(root.outerHTML, '<div><p>First line.<br>The answer is <strong>9</strong> indeed</p></div>');
  });

  it('markdown: a preview waits while the line could still be a list marker or a fence', () => {
    const md = new IncrementalMarkdown();
    md.push('1');
    assert.deepEqual(md.take(), []);
    md.push('2');
    assert.deepEqual(md.take(), []);
    md.push('. apples');
    const ops = md.take();
    assert.deepEqual(ops[0], { op: 'pending', kind: 'item', ordered: true });
    md.push('\n``');
    assert.deepEqual(
      md.take().map((o) => o.op),
      ['pdone', 'block', 'line'],
    );
    md.push('`js\nlet x = 1;');
    const code = md.take();
    assert.deepEqual(code[0], { op: 'block', id: 2, kind: 'code', lang: 'js' });
    assert.deepEqual(code.slice(1), [{ op: 'pending', kind: 'code', into: 2 }, { op: 'ptext', text: 'let x = 1;' }]);
  });

  it('markdown: an unclosed fence still renders its code when the stream ends', () => {
    const root = renderStreamed(cuts('Here:\n```\nprint(1)\nprint(2)', 5));
    assert.equal(root.outerHTML, '<div><p>Here:</p><pre><code>print(1)\nprint(2)</code></pre></div>');
  });

  it('markdown: unmatched markers are literal and escapes work', () => {
    assert.equal(inlineText(parseInline('2 * 3 * 4 = 24, **not closed, `tick')), '2 * 3 * 4 = 24, **not closed, `tick');
    assert.deepEqual(parseInline('\\*lit\\* and **b**'), [{ t: 'text', v: '*lit* and ' }, { t: 'strong', c: [{ t: 'text', v: 'b' }] }]);
    assert.deepEqual(parseInline('``a ` b``'), [{ t: 'code', v: 'a ` b' }]);
  });

  it('markdown: work per delta does not grow with the length of the line (ops stay small)', () => {
    const md = new IncrementalMarkdown();
    md.push('x');
    md.take();
    let maxOps = 0;
    let maxText = 0;
    for (let i = 0; i < 5000; i++) {
      md.push(' word');
      const ops = md.take();
      maxOps = Math.max(maxOps, ops.length);
      for (const op of ops) if (op.op === 'ptext') maxText = Math.max(maxText, op.text.length);
    }
    assert.ok(maxOps <= 2 && maxText <= 5, `ops ${maxOps}, text ${maxText}`);
  });

  it('markdown: markdownOps renders a finished text in one go (history)', () => {
    const ops: MdOp[] = markdownOps('a\n\nb');
    assert.deepEqual(
      ops.filter((o) => o.op === 'block').map((o) => (o as { kind: string }).kind),
      ['p', 'p'],
    );
  });

  it('markdown: CRLF line ends and Chinese text', () => {
    const root = renderStreamed(cuts('答案是 **9**。\r\n- 第一步\r\n- 第二步', 9));
    assert.equal(root.outerHTML, '<div><p>答案是 <strong>9</strong>。</p><ul><li>第一步</li><li>第二步</li></ul></div>');
  });

  describe('markdown: runs of backticks', () => {
    /** The code-span rule as first written (a closing run is the first `n` backticks in a row), searched naively. */
    function reference(s: string): { t: string; v: string }[] {
      const out: { t: string; v: string }[] = [];
      let text = '';
      let i = 0;
      while (i < s.length) {
        if (s[i] !== '`') {
          text += s[i++];
          continue;
        }
        let n = 1;
        while (s[i + n] === '`') n++;
        const close = s.indexOf('`'.repeat(n), i + n);
        if (close < 0) {
          text += '`'.repeat(n);
          i += n;
          continue;
        }
        if (text) out.push({ t: 'text', v: text });
        text = '';
        const v = s.slice(i + n, close);
        out.push({ t: 'code', v: v.length > 2 && v.startsWith(' ') && v.endsWith(' ') ? v.slice(1, -1) : v });
        i = close + n;
      }
      if (text) out.push({ t: 'text', v: text });
      return out;
    }

    it('markdown: code spans match the reference rule on random lines of backticks, letters and spaces', () => {
      let seed = 12345;
      const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let round = 0; round < 3000; round++) {
        const length = 1 + Math.floor(random() * 40);
        let line = '';
        for (let k = 0; k < length; k++) line += random() < 0.55 ? '`' : random() < 0.7 ? 'a' : ' ';
        assert.deepEqual(parseInline(line), reference(line), JSON.stringify(line));
      }
    });

    it('markdown: runs of falling length never close, and stay literal text', () => {
      let line = '';
      for (let n = 300; n >= 1; n--) line += `${'`'.repeat(n)}a`;
      assert.deepEqual(parseInline(line), [{ t: 'text', v: line }]);
      assert.deepEqual(parseInline(`${line}${'`'.repeat(300)}`), reference(`${line}${'`'.repeat(300)}`));
    });

    it('markdown: a closing run may be the start of a longer run, as before', () => {
      assert.deepEqual(parseInline('`a``` b'), [{ t: 'code', v: 'a' }, { t: 'text', v: '`` b' }]);
      assert.deepEqual(parseInline('x ``code`` `y`'), [{ t: 'text', v: 'x ' }, { t: 'code', v: 'code' }, { t: 'text', v: ' ' }, { t: 'code', v: 'y' }]);
    });
  });
});
