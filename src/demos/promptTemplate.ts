import type { ChatMessage } from '../llm/types';

/**
 * A prompt as named parts (the "anatomy" the playground colours) plus the layout that joins them
 * into the exact text the papers used. Pure; no vscode.
 */
export interface Exemplar {
  input: string;
  output: string;
}

export interface PromptParts {
  /** Sent as a system message, never part of the prompt text. */
  system?: string;
  instruction?: string;
  exemplars?: Exemplar[];
  query: string;
  trigger?: string;
}

export interface PromptLayout {
  /**
   * `single`: the whole prompt is one user message (the papers' completion-style prompt, replayed).
   * `turns`: instruction as system, each exemplar a user/assistant pair, the query the last user message.
   */
  style?: 'single' | 'turns';
  /** Between the instruction, the exemplar block and the query block. Default "\n\n". */
  separator?: string;
  /** Between two exemplars. Default: `separator`. */
  exemplarSeparator?: string;
  /** Uses {input} and {output}. Default "{input}\n{output}". */
  exemplarFormat?: string;
  /** Uses {query}. Default "{query}". */
  queryFormat?: string;
  /** Between the formatted query and the trigger. Default "\n". */
  triggerSeparator?: string;
}

export interface PromptTemplate {
  parts: PromptParts;
  layout?: PromptLayout;
}

export type SegmentKind = 'instruction' | 'exemplar' | 'query' | 'trigger' | 'separator';

export interface PromptSegment {
  kind: SegmentKind;
  text: string;
  /** Exemplar index for `exemplar` segments. */
  index?: number;
}

export const DEFAULT_LAYOUT: Required<Omit<PromptLayout, 'exemplarSeparator'>> = {
  style: 'single',
  separator: '\n\n',
  exemplarFormat: '{input}\n{output}',
  queryFormat: '{query}',
  triggerSeparator: '\n',
};

/** Placeholders each format may use. */
export const FORMAT_PLACEHOLDERS = {
  exemplarFormat: ['input', 'output'],
  queryFormat: ['query'],
} as const;

/** Fills {name} placeholders in one pass, so braces inside the values are never re-expanded. */
export function fill(format: string, values: Record<string, string>): string {
  return format.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? values[key] : whole));
}

export function placeholdersOf(format: string): string[] {
  return [...format.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

function layoutOf(template: PromptTemplate): Required<PromptLayout> {
  const layout = { ...DEFAULT_LAYOUT, ...template.layout };
  return { ...layout, exemplarSeparator: template.layout?.exemplarSeparator ?? layout.separator };
}

function nonEmpty(text: string | undefined): text is string {
  return text !== undefined && text !== '';
}

/** The prompt text as segments; joining their texts gives exactly `renderPrompt`. */
export function renderSegments(template: PromptTemplate): PromptSegment[] {
  const layout = layoutOf(template);
  const { instruction, exemplars = [], query, trigger } = template.parts;
  const segments: PromptSegment[] = [];
  const separate = (text: string): void => {
    if (segments.length > 0 && text !== '') segments.push({ kind: 'separator', text });
  };
  if (nonEmpty(instruction)) segments.push({ kind: 'instruction', text: instruction });
  exemplars.forEach((exemplar, index) => {
    separate(index === 0 ? layout.separator : layout.exemplarSeparator);
    segments.push({ kind: 'exemplar', index, text: fill(layout.exemplarFormat, { input: exemplar.input, output: exemplar.output }) });
  });
  // An empty query (the request is all instruction) leaves no dangling separator.
  const queryText = query === '' ? '' : fill(layout.queryFormat, { query });
  if (queryText !== '') {
    separate(layout.separator);
    segments.push({ kind: 'query', text: queryText });
  }
  if (nonEmpty(trigger)) {
    separate(queryText !== '' ? layout.triggerSeparator : layout.separator);
    segments.push({ kind: 'trigger', text: trigger });
  }
  return segments;
}

/** The plain prompt text (what a completion model would be given). */
export function renderPrompt(template: PromptTemplate): string {
  return renderSegments(template).map((s) => s.text).join('');
}

/** The chat messages sent for this template. */
export function toMessages(template: PromptTemplate): ChatMessage[] {
  const layout = layoutOf(template);
  const { system, instruction, exemplars = [], query, trigger } = template.parts;
  if (layout.style !== 'turns') {
    const messages: ChatMessage[] = [];
    if (nonEmpty(system)) messages.push({ role: 'system', content: system });
    messages.push({ role: 'user', content: renderPrompt(template) });
    return messages;
  }
  const messages: ChatMessage[] = [];
  const last = query === '' ? '' : fill(layout.queryFormat, { query });
  const final = [last, trigger].filter(nonEmpty).join(layout.triggerSeparator);
  // With no query the instruction is the request itself, so it goes in the user turn.
  const systemText = (final !== '' ? [system, instruction] : [system]).filter(nonEmpty).join('\n\n');
  if (systemText) messages.push({ role: 'system', content: systemText });
  for (const exemplar of exemplars) {
    messages.push({ role: 'user', content: fill(layout.queryFormat, { query: exemplar.input }) });
    messages.push({ role: 'assistant', content: exemplar.output });
  }
  messages.push({ role: 'user', content: final !== '' ? final : instruction ?? '' });
  return messages;
}

/** Messages flattened for display and for the SPEC `prompt` field. */
export function messagesToText(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0].role === 'user') return messages[0].content;
  return messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

/** A copy with some parts replaced (the playground's edits, a selection as the query). */
export function withParts(template: PromptTemplate, edits: Partial<PromptParts>): PromptTemplate {
  const parts: PromptParts = { ...template.parts };
  for (const [key, value] of Object.entries(edits) as [keyof PromptParts, PromptParts[keyof PromptParts]][]) {
    if (value !== undefined) (parts as unknown as Record<string, unknown>)[key] = key === 'exemplars' ? (value as Exemplar[]).map((e) => ({ ...e })) : value;
  }
  return { parts, layout: template.layout ? { ...template.layout } : undefined };
}
