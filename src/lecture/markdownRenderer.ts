import katex from 'katex';
import { Marked, Tokens } from 'marked';
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';
import json from 'highlight.js/lib/languages/json';
import bash from 'highlight.js/lib/languages/bash';
import yaml from 'highlight.js/lib/languages/yaml';
import { sanitize } from './sanitizer';

hljs.registerLanguage('python', python);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('yaml', yaml);

export interface RenderOptions {
  /** Returns inline, sanitized SVG markup for a figure path like "images/rlhf-steps.svg", or undefined. */
  inlineFigure?: (path: string, alt: string) => string | undefined;
  /** Labels in the section's language. */
  labels?: { runDemo: (id: string) => string; widget: (id: string) => string };
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// KaTeX as MathML only: no inline style attributes, so the webview's CSP needs no 'unsafe-inline'.
function renderMath(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, { displayMode, output: 'mathml', throwOnError: false, strict: 'ignore' });
}

function createMarked(options: RenderOptions): Marked {
  const marked = new Marked({ gfm: true, breaks: false });
  marked.use({
    extensions: [
      {
        name: 'displayMath',
        level: 'block',
        start: (src: string) => src.match(/^\$\$/m)?.index,
        tokenizer(src: string) {
          const match = /^\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/.exec(src);
          if (match) return { type: 'displayMath', raw: match[0], text: match[1].trim() };
          return undefined;
        },
        renderer: (token) => `<div class="math-display">${renderMath((token as unknown as { text: string }).text, true)}</div>\n`,
      },
      {
        name: 'inlineMath',
        level: 'inline',
        start: (src: string) => src.indexOf('$'),
        tokenizer(src: string) {
          const match = /^\$(?!\s)((?:\\\$|[^$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
          if (match) return { type: 'inlineMath', raw: match[0], text: match[1] };
          return undefined;
        },
        renderer: (token) => renderMath((token as unknown as { text: string }).text, false),
      },
      {
        name: 'tryIt',
        level: 'block',
        start: (src: string) => src.match(/^::(demo|widget)\[/m)?.index,
        tokenizer(src: string) {
          const match = /^::(demo|widget)\[([a-z0-9-]+)\][ \t]*(?:\n+|$)/.exec(src);
          if (match) return { type: 'tryIt', raw: match[0], kind: match[1], id: match[2] };
          return undefined;
        },
        renderer(token) {
          const { kind, id } = token as unknown as { kind: string; id: string };
          if (kind === 'demo') {
            const label = options.labels?.runDemo(id) ?? `Run the ${id} demo`;
            return `<div class="try-it try-demo" data-demo="${escape(id)}"><button class="run-demo" data-demo="${escape(id)}">▶ ${escape(label)}</button></div>\n`;
          }
          const label = options.labels?.widget(id) ?? id;
          return `<div class="try-it widget" data-widget="${escape(id)}" role="group" aria-label="${escape(label)}"></div>\n`;
        },
      },
    ],
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const language = (lang ?? '').trim().split(/\s+/)[0] ?? '';
        const body = language && hljs.getLanguage(language) ? hljs.highlight(text, { language }).value : escape(text);
        return `<pre class="code"><code class="hljs${language ? ` language-${escape(language)}` : ''}">${body}</code></pre>\n`;
      },
      link({ href, text, tokens }: Tokens.Link) {
        const inner = tokens ? this.parser.parseInline(tokens) : escape(text);
        if (href.startsWith('#')) return `<a href="${escape(href)}" data-section="${escape(href.slice(1))}">${inner}</a>`;
        if (/^https?:\/\//i.test(href)) return `<a href="${escape(href)}" data-external="1">${inner}</a>`;
        if (/^command:llmLab\./.test(href)) return `<a href="${escape(href)}">${inner}</a>`;
        return `<span class="broken-link">${inner}</span>`;
      },
      image({ href, text }: Tokens.Image) {
        const figure = options.inlineFigure?.(href, text);
        if (figure) return `<figure class="llm-figure" role="group" aria-label="${escape(text)}">${figure}<figcaption>${escape(text)}</figcaption></figure>`;
        if (/^images\//.test(href)) return `<img src="llmlab-media:${escape(href)}" alt="${escape(text)}">`;
        return `<span class="broken-image">${escape(text)}</span>`;
      },
      html() {
        return ''; // raw HTML in content is never passed through
      },
    },
  });
  return marked;
}

/** Blockquotes that start with **Correction:** / **更正：** etc. become styled callouts. */
function markCallouts(html: string): string {
  const kinds: [RegExp, string][] = [
    [/^<p><strong>(Correction|更正)/, 'callout correction'],
    [/^<p><strong>(After the lecture|讲座之后)/, 'callout after-lecture'],
    [/^<p><strong>(Key idea|核心思想|要点)/, 'callout key-idea'],
  ];
  return html.replace(/<blockquote>\n?([\s\S]*?)<\/blockquote>/g, (whole, inner: string) => {
    const kind = kinds.find(([re]) => re.test(inner.trimStart()));
    return kind ? `<blockquote class="${kind[1]}">${inner}</blockquote>` : whole;
  });
}

/** Renders trusted-format, untrusted-content markdown to sanitized HTML. */
export function renderMarkdown(markdown: string, options: RenderOptions = {}): string {
  const html = createMarked(options).parse(markdown, { async: false });
  return sanitize(markCallouts(html));
}

/** Text for search and word counts: no tags, no math markup. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/^::(demo|widget)\[.*$/gm, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\|.*\|$/gm, ' ')
    .replace(/^#+\s.*$/gm, ' ')
    .replace(/[*_`>#|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Prose size beyond headings, tables and formulas: English words, or CJK characters. */
export function proseSize(markdown: string): { words: number; cjk: number } {
  const text = plainText(markdown);
  const cjk = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) ?? []).length;
  const words = (text.replace(/[\u3400-\u9fff\uf900-\ufaff]/g, ' ').match(/[A-Za-z0-9][A-Za-z0-9'’.-]*/g) ?? []).length;
  return { words, cjk };
}
