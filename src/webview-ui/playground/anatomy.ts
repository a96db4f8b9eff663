/**
 * The prompt as an anatomy: the exact text the model gets, with the parts it is made of (system,
 * instruction, exemplars, query, trigger) coloured, labelled and editable in place; the fixed text of
 * the layout (e.g. "Q: " … "A:") shown around the fields, not editable.
 */
import { t } from '../../core/l10n';
import type { DemoRun } from '../../demos/demoTypes';
import { DEFAULT_LAYOUT, toMessages, withParts, type Exemplar, type PromptParts, type PromptTemplate } from '../../demos/promptTemplate';
import type { ChatMessage } from '../../llm/types';
import { el } from '../shared/vscodeApi';

export type PartKind = 'system' | 'instruction' | 'exemplar' | 'query' | 'trigger';

export function partLabel(kind: PartKind): string {
  switch (kind) {
    case 'system':
      return t('System message');
    case 'instruction':
      return t('Instruction');
    case 'exemplar':
      return t('Example');
    case 'query':
      return t('Query');
    case 'trigger':
      return t('Trigger');
  }
}

/** The run's template with the reader's edits. */
export function editedTemplate(run: DemoRun, edits: Partial<PromptParts> | undefined): PromptTemplate {
  return edits && Object.keys(edits).length ? withParts(run.template, edits) : run.template;
}

export function editedMessages(run: DemoRun, edits: Partial<PromptParts> | undefined): ChatMessage[] {
  return toMessages(editedTemplate(run, edits));
}

/** Splits a format such as "Q: {input}\nA: {output}" into literal text and placeholders. */
function pieces(format: string): ({ text: string } | { field: string })[] {
  const out: ({ text: string } | { field: string })[] = [];
  let last = 0;
  for (const m of format.matchAll(/\{(\w+)\}/g)) {
    if (m.index > last) out.push({ text: format.slice(last, m.index) });
    out.push({ field: m[1] });
    last = m.index + m[0].length;
  }
  if (last < format.length) out.push({ text: format.slice(last) });
  return out;
}

function field(value: string, label: string, onInput: (value: string) => void, multiline = true): HTMLTextAreaElement {
  const area = el('textarea', { class: 'part-field', attrs: { 'aria-label': label, spellcheck: 'false', rows: String(Math.min(10, Math.max(1, value.split('\n').length))) } });
  area.value = value;
  if (!multiline) area.classList.add('single');
  area.addEventListener('input', () => onInput(area.value));
  return area;
}

function block(kind: PartKind, label: string, ...body: (Node | string)[]): HTMLElement {
  return el(
    'div',
    { class: `part part-${kind}`, attrs: { role: 'group', 'aria-label': label, 'data-part': kind } },
    el('span', { class: 'part-label', text: label, attrs: { 'aria-hidden': 'true' } }),
    el('div', { class: 'part-body' }, ...body),
  );
}

/** Fixed layout text; its line breaks break the row (fields sit where the text puts them). */
function literal(text: string): HTMLElement {
  const wrap = el('span', { class: 'part-literals', attrs: { 'aria-hidden': 'true' } });
  text.split('\n').forEach((line, i) => {
    if (i > 0) wrap.append(el('span', { class: 'part-break' }));
    if (line) wrap.append(el('span', { class: 'part-literal', text: line }));
  });
  return wrap;
}

/**
 * Renders the anatomy of one run. `onEdit` gets the run's whole set of edited parts after each keystroke
 * (the caller stores them; the DOM is not rebuilt while typing, so focus stays).
 */
export function renderAnatomy(run: DemoRun, edits: Partial<PromptParts> | undefined, onEdit: (parts: Partial<PromptParts>) => void): HTMLElement {
  const template = editedTemplate(run, edits);
  const layout = { ...DEFAULT_LAYOUT, ...template.layout };
  const parts = template.parts;
  const current: Partial<PromptParts> = { ...edits };
  const changed = (patch: Partial<PromptParts>): void => {
    Object.assign(current, patch);
    onEdit({ ...current });
  };
  const root = el('div', { class: 'anatomy', attrs: { 'data-testid': 'anatomy' } });

  if (parts.system !== undefined) {
    root.append(block('system', partLabel('system'), field(parts.system, partLabel('system'), (v) => changed({ system: v }))));
  }
  if (parts.instruction !== undefined) {
    root.append(block('instruction', partLabel('instruction'), field(parts.instruction, partLabel('instruction'), (v) => changed({ instruction: v }))));
  }
  const exemplars: Exemplar[] = (parts.exemplars ?? []).map((e) => ({ ...e }));
  exemplars.forEach((exemplar, index) => {
    const label = t('Example {0}', index + 1);
    const body = pieces(layout.exemplarFormat).map((p) =>
      'text' in p
        ? literal(p.text)
        : field(exemplar[p.field as keyof Exemplar] ?? '', p.field === 'input' ? t('Example {0}: input', index + 1) : t('Example {0}: output', index + 1), (v) => {
            exemplars[index] = { ...exemplars[index], [p.field]: v };
            changed({ exemplars: exemplars.map((e) => ({ ...e })) });
          }),
    );
    root.append(block('exemplar', label, ...body));
  });
  const queryBody = pieces(layout.queryFormat).map((p) => ('text' in p ? literal(p.text) : field(parts.query, partLabel('query'), (v) => changed({ query: v }))));
  root.append(block('query', partLabel('query'), ...queryBody));
  if (parts.trigger !== undefined) {
    root.append(block('trigger', partLabel('trigger'), field(parts.trigger, partLabel('trigger'), (v) => changed({ trigger: v }), false)));
  }
  return root;
}

/** The exact messages sent, role by role. */
export function renderMessages(messages: readonly ChatMessage[]): HTMLElement {
  const list = el('ol', { class: 'messages', attrs: { 'data-testid': 'messages-view', 'aria-label': t('Messages sent to the model') } });
  for (const m of messages) {
    list.append(el('li', { class: `message message-${m.role}` }, el('span', { class: 'message-role', text: m.role }), el('pre', { class: 'message-content', text: m.content })));
  }
  return list;
}

/** The legend of part colours. */
export function renderLegend(kinds: readonly PartKind[]): HTMLElement {
  return el(
    'ul',
    { class: 'legend', attrs: { 'aria-label': t('Prompt parts') } },
    ...kinds.map((k) => el('li', { class: `legend-item part-${k}` }, el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }), partLabel(k))),
  );
}

export function partKinds(run: DemoRun): PartKind[] {
  const p = run.template.parts;
  const kinds: PartKind[] = [];
  if (p.system !== undefined) kinds.push('system');
  if (p.instruction !== undefined) kinds.push('instruction');
  if (p.exemplars?.length) kinds.push('exemplar');
  kinds.push('query');
  if (p.trigger !== undefined) kinds.push('trigger');
  return kinds;
}
