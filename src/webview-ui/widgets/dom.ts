/**
 * Small DOM helpers for the widgets: elements are built with createElement and textContent only (no
 * innerHTML, no inline style attributes — the webview CSP forbids inline styles), SVG with createElementNS.
 */
import type { WidgetContext } from './types';

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

function applyAttrs(node: Element, attrs: Props['attrs']): void {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  applyAttrs(node, props.attrs);
  for (const [event, handler] of Object.entries(props.on ?? {})) node.addEventListener(event, handler as EventListener);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const child of children) node.append(child);
  return node;
}

let uid = 0;
export function uniqueId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Replace every child of `node`. */
export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

export interface RangeControl {
  root: HTMLElement;
  input: HTMLInputElement;
  set(value: number): void;
}

/** A labelled <input type=range> with its value shown in an <output>. */
export function rangeControl(options: {
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  testId: string;
  format?: (value: number) => string;
  onInput(value: number): void;
}): RangeControl {
  const id = uniqueId(options.testId);
  const format = options.format ?? String;
  const output = h('output', { class: 'widget-value', attrs: { for: id, 'data-testid': `${options.testId}-value` }, text: format(options.value) });
  const input = h('input', {
    attrs: {
      id,
      type: 'range',
      min: options.min,
      max: options.max,
      step: options.step,
      value: options.value,
      'data-testid': options.testId,
    },
  });
  input.value = String(options.value);
  const sync = () => {
    output.textContent = format(Number(input.value));
    input.setAttribute('aria-valuetext', format(Number(input.value)));
  };
  sync();
  input.addEventListener('input', () => {
    sync();
    options.onInput(Number(input.value));
  });
  const root = h('div', { class: 'widget-field' }, h('label', { attrs: { for: id }, text: options.label }), input, output);
  return {
    root,
    input,
    set(value: number) {
      input.value = String(value);
      sync();
    },
  };
}

/** A labelled <input type=number>. */
export function numberControl(options: {
  label: string;
  value: number;
  testId: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  onInput(value: number): void;
}): { root: HTMLElement; input: HTMLInputElement } {
  const id = uniqueId(options.testId);
  const input = h('input', {
    attrs: { id, type: 'number', min: options.min, max: options.max, step: options.step ?? 'any', 'data-testid': options.testId },
  });
  input.value = String(options.value);
  input.addEventListener('input', () => {
    const value = Number(input.value);
    if (input.value.trim() !== '' && Number.isFinite(value)) options.onInput(value);
  });
  return { root: h('div', { class: 'widget-field' }, h('label', { attrs: { for: id }, text: options.label }), input), input };
}

/** A labelled <select>. */
export function selectControl<V extends string>(options: {
  label: string;
  value: V;
  testId: string;
  choices: { value: V; label: string }[];
  onChange(value: V): void;
}): { root: HTMLElement; select: HTMLSelectElement } {
  const id = uniqueId(options.testId);
  const select = h('select', { attrs: { id, 'data-testid': options.testId } }, ...options.choices.map((c) => h('option', { attrs: { value: c.value }, text: c.label })));
  select.value = options.value;
  select.addEventListener('change', () => options.onChange(select.value as V));
  return { root: h('div', { class: 'widget-field' }, h('label', { attrs: { for: id }, text: options.label }), select), select };
}

/** The frame every widget shares: a titled group with a short lead-in. */
export function widgetFrame(id: string, title: string, intro: string): { root: HTMLElement; body: HTMLElement } {
  const titleId = uniqueId(`${id}-title`);
  const body = h('div', { class: 'widget-body' });
  const root = h(
    'section',
    { class: `llm-widget widget-${id}`, attrs: { 'aria-labelledby': titleId, 'data-testid': `widget-${id}` } },
    h('h3', { class: 'widget-title', attrs: { id: titleId }, text: title }),
    h('p', { class: 'widget-intro', text: intro }),
    body,
  );
  return { root, body };
}

/** A labelled figure: `label` then a number with a stable test id. */
export function stat(label: string, testId: string, value = ''): { root: HTMLElement; value: HTMLElement } {
  const valueEl = h('span', { class: 'widget-stat-value', attrs: { 'data-testid': testId }, text: value });
  return { root: h('div', { class: 'widget-stat' }, h('span', { class: 'widget-stat-label', text: label }), valueEl), value: valueEl };
}

/** Calls ctx.onUsed() once, on the reader's first interaction. */
export function usedOnce(ctx: WidgetContext): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    ctx.onUsed();
  };
}

/** Runs fn after `ms` of quiet; the latest call wins. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function numberFormat(lang: string, options: Intl.NumberFormatOptions = {}): (value: number) => string {
  const format = new Intl.NumberFormat(lang === 'zh-cn' ? 'zh-CN' : 'en-US', options);
  return (value) => format.format(value);
}

/** State saved by a widget, merged over its defaults (ignores anything of the wrong type). */
export function restore<T extends object>(ctx: WidgetContext, defaults: T): T {
  const saved = ctx.getState();
  if (typeof saved !== 'object' || saved === null) return { ...defaults };
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(saved as Record<string, unknown>)) {
    if (key in out && typeof value === typeof out[key] && Array.isArray(value) === Array.isArray(out[key])) out[key] = value;
  }
  return out as T;
}

/** Shows a token so that its leading space and line breaks are visible. */
export function visibleToken(token: string): string {
  return token.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}
