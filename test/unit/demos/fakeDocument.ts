/** A tiny document for running the playground's markdown view in Node (unit tests, bench). */
import type { MdDocument, MdElement, MdText } from '../../../src/webview-ui/playground/markdownView';

type Child = FakeElement | FakeText;

export class FakeText implements MdText {
  parent: FakeElement | undefined;
  constructor(public data: string) {}
  appendData(data: string): void {
    this.data += data;
  }
  remove(): void {
    this.parent?.removeChild(this);
  }
}

export class FakeElement implements MdElement {
  className = '';
  parent: FakeElement | undefined;
  readonly children: Child[] = [];
  private attrs: Map<string, string> | undefined;
  constructor(readonly tag: string) {}

  append(...nodes: (MdElement | MdText)[]): void {
    for (const node of nodes as Child[]) {
      node.parent?.removeChild(node);
      node.parent = this;
      this.children.push(node);
    }
  }
  removeChild(node: Child): void {
    const at = this.children.lastIndexOf(node);
    if (at >= 0) this.children.splice(at, 1);
    node.parent = undefined;
  }
  remove(): void {
    this.parent?.removeChild(this);
  }
  setAttribute(name: string, value: string): void {
    (this.attrs ??= new Map()).set(name, value);
  }
  get attributes(): ReadonlyMap<string, string> {
    return this.attrs ?? new Map();
  }
  get textContent(): string {
    return this.children.map((c) => (c instanceof FakeText ? c.data : c.textContent)).join('');
  }
  /** Markup with every text escaped, for assertions. */
  get outerHTML(): string {
    const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const attrs = [...(this.className ? [['class', this.className] as const] : []), ...this.attributes].map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
    if (this.tag === 'br' || this.tag === 'hr') return `<${this.tag}${attrs}>`;
    return `<${this.tag}${attrs}>${this.children.map((c) => (c instanceof FakeText ? escape(c.data) : c.outerHTML)).join('')}</${this.tag}>`;
  }
  get innerHTML(): string {
    return this.children.map((c) => (c instanceof FakeText ? c.data.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : c.outerHTML)).join('');
  }
  querySelectorAll(tag: string): FakeElement[] {
    const found: FakeElement[] = [];
    const walk = (el: FakeElement): void => {
      for (const c of el.children) {
        if (c instanceof FakeElement) {
          if (c.tag === tag) found.push(c);
          walk(c);
        }
      }
    };
    walk(this);
    return found;
  }
}

export const fakeDocument: MdDocument = {
  createElement: (tag) => new FakeElement(tag),
  createTextNode: (data) => new FakeText(data),
};
