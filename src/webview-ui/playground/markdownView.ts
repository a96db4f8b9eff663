/**
 * Applies incrementalMarkdown ops to DOM nodes. Model output only ever becomes text nodes
 * (createTextNode), never markup: a `<script>` in the output is a string on screen. Links are <a> only
 * for http(s) URLs (safeHref); the panel opens them through the extension.
 *
 * Written against a minimal document interface so the same code runs in Node (bench, unit tests).
 */
import { IncrementalMarkdown, type Inline, type MdOp } from './incrementalMarkdown';

export interface MdText {
  appendData(data: string): void;
  remove(): void;
}

export interface MdElement {
  append(...nodes: (MdElement | MdText)[]): void;
  remove(): void;
  setAttribute(name: string, value: string): void;
  className: string;
}

export interface MdDocument {
  createElement(tag: string): MdElement;
  createTextNode(data: string): MdText;
}

interface BlockRef {
  el: MdElement;
  kind: string;
  /** p/quote/li content has at least one line; code has text. */
  filled: boolean;
  /** ul/ol: the last item. */
  lastItem?: MdElement;
}

const TAGS: Record<string, string> = { p: 'p', quote: 'blockquote', ul: 'ul', ol: 'ol', code: 'pre', hr: 'hr' };

/** Model headings sit inside a run's column: "#" becomes h3, so they never outrank the page's own. */
function headingTag(level: number | undefined): string {
  return `h${Math.min(6, Math.max(1, level ?? 1) + 2)}`;
}

/** Appends inline markup (from parseInline) as nodes: text only through createTextNode. */
export function appendInlines(doc: MdDocument, parent: MdElement, nodes: readonly Inline[]): void {
  for (const node of nodes) {
    switch (node.t) {
      case 'text':
        parent.append(doc.createTextNode(node.v));
        break;
      case 'code': {
        const code = doc.createElement('code');
        code.append(doc.createTextNode(node.v));
        parent.append(code);
        break;
      }
      case 'strong':
      case 'em': {
        const inner = doc.createElement(node.t);
        appendInlines(doc, inner, node.c);
        parent.append(inner);
        break;
      }
      case 'link': {
        const a = doc.createElement('a');
        a.setAttribute('href', node.href);
        a.setAttribute('data-external', '1');
        a.setAttribute('title', node.href);
        appendInlines(doc, a, node.c);
        parent.append(a);
        break;
      }
    }
  }
}

export class MarkdownView {
  private readonly blocks = new Map<number, BlockRef>();
  /** Nodes of the preview line, removed on `pdone`. */
  private pendingNodes: (MdElement | MdText)[] = [];
  /** Where preview text goes: the innermost open inline element. */
  private pendingStack: MdElement[] = [];
  private pendingText: MdText | undefined;
  private codeTarget: { code: MdElement } | undefined;
  private readonly md = new IncrementalMarkdown((op) => this.applyOne(op));

  constructor(
    private readonly doc: MdDocument,
    readonly root: MdElement,
  ) {}

  push(delta: string): void {
    if (this.pendingText && this.md.appendPlain(delta)) this.pendingText.appendData(delta);
    else this.md.push(delta);
  }

  finish(): void {
    this.md.finish();
  }

  apply(ops: readonly MdOp[]): void {
    for (const op of ops) this.applyOne(op);
  }

  private el(tag: string, className?: string): MdElement {
    const node = this.doc.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  private inlines(parent: MdElement, nodes: readonly Inline[]): void {
    appendInlines(this.doc, parent, nodes);
  }

  private codeElement(block: BlockRef): MdElement {
    return (block as BlockRef & { code: MdElement }).code;
  }

  private applyOne(op: MdOp): void {
    switch (op.op) {
      case 'block': {
        if (op.kind === 'h') {
          const h = this.el(headingTag(op.level));
          this.blocks.set(op.id, { el: h, kind: 'h', filled: false });
          this.root.append(h);
          break;
        }
        const el = this.el(TAGS[op.kind] ?? 'p');
        const ref: BlockRef & { code?: MdElement } = { el, kind: op.kind, filled: false };
        if (op.kind === 'ol' && op.start !== undefined) el.setAttribute('start', String(op.start));
        if (op.kind === 'code') {
          const code = this.el('code');
          if (op.lang) {
            code.setAttribute('data-lang', op.lang);
            el.setAttribute('data-lang', op.lang);
          }
          el.append(code);
          ref.code = code;
        }
        this.blocks.set(op.id, ref);
        this.root.append(el);
        break;
      }
      case 'line': {
        const block = this.blocks.get(op.id);
        if (!block) break;
        if (block.kind === 'ul' || block.kind === 'ol') {
          const li = this.el('li');
          this.inlines(li, op.inlines);
          block.el.append(li);
          block.lastItem = li;
        } else {
          if (block.filled) block.el.append(this.el('br'));
          this.inlines(block.el, op.inlines);
        }
        block.filled = true;
        break;
      }
      case 'cont': {
        const block = this.blocks.get(op.id);
        const li = block?.lastItem;
        if (!li) break;
        li.append(this.el('br'));
        this.inlines(li, op.inlines);
        break;
      }
      case 'code': {
        const block = this.blocks.get(op.id);
        if (!block) break;
        this.codeElement(block).append(this.doc.createTextNode(block.filled ? `\n${op.text}` : op.text));
        block.filled = true;
        break;
      }
      case 'pending':
        this.startPending(op);
        break;
      case 'ptext':
        this.appendPendingText(op.text);
        break;
      case 'popen': {
        const parent = this.pendingStack[this.pendingStack.length - 1];
        if (!parent) break;
        const inner = this.el(op.style);
        parent.append(inner);
        this.pendingStack.push(inner);
        this.pendingText = undefined;
        break;
      }
      case 'pclose':
        if (this.pendingStack.length > 1) this.pendingStack.pop();
        this.pendingText = undefined;
        break;
      case 'pdone':
        for (const node of this.pendingNodes) node.remove();
        this.pendingNodes = [];
        this.pendingStack = [];
        this.pendingText = undefined;
        this.codeTarget = undefined;
        break;
    }
  }

  private appendPendingText(text: string): void {
    if (this.pendingText) {
      this.pendingText.appendData(text);
      return;
    }
    const node = this.doc.createTextNode(text);
    if (this.codeTarget) {
      this.codeTarget.code.append(node);
      this.pendingNodes.push(node);
    } else {
      const parent = this.pendingStack[this.pendingStack.length - 1];
      if (!parent) return;
      parent.append(node);
    }
    this.pendingText = node;
  }

  private startPending(op: Extract<MdOp, { op: 'pending' }>): void {
    const target = op.into !== undefined ? this.blocks.get(op.into) : undefined;
    const span = this.el('span', 'md-pending');
    if (op.kind === 'code' && target) {
      this.codeTarget = { code: this.codeElement(target) };
      if (target.filled) {
        const nl = this.doc.createTextNode('\n');
        this.codeTarget.code.append(nl);
        this.pendingNodes.push(nl);
      }
      return;
    }
    if (target && (op.kind === 'line' || op.kind === 'cont')) {
      const host = op.kind === 'cont' ? target.lastItem : target.el;
      if (host) {
        if (op.kind === 'cont' || target.filled) {
          const br = this.el('br');
          host.append(br);
          this.pendingNodes.push(br);
        }
        host.append(span);
        this.pendingNodes.push(span);
        this.pendingStack = [span];
        return;
      }
    }
    if (target && op.kind === 'item') {
      const li = this.el('li', 'md-pending');
      target.el.append(li);
      this.pendingNodes.push(li);
      this.pendingStack = [li];
      return;
    }
    let outer: MdElement;
    let inner: MdElement;
    switch (op.kind) {
      case 'h':
        outer = inner = this.el(headingTag(op.level), 'md-pending');
        break;
      case 'item':
        outer = this.el(op.ordered ? 'ol' : 'ul', 'md-pending');
        inner = this.el('li');
        outer.append(inner);
        break;
      case 'quote':
        outer = inner = this.el('blockquote', 'md-pending');
        break;
      default:
        outer = inner = this.el('p', 'md-pending');
    }
    this.root.append(outer);
    this.pendingNodes.push(outer);
    this.pendingStack = [inner];
  }
}
