/** Messages between the tokenizer panel and its page (both sides import this file). */
import type { Lang } from '../core/l10n';
import type { RequestEnvelope, ResponseEnvelope } from '../webview/protocol';
import type { EncodingName } from './tokenizerInfo';
import type { WidgetResponse } from './widgetProtocol';

export interface TokenizerInit {
  lang: Lang;
  /** zh-cn runtime strings (empty in English). */
  strings: Record<string, string>;
  /** The text the panel was opened with ('' for a revived panel: the page keeps the reader's own). */
  text: string;
  encoding: EncodingName;
}

export type ToTokenizerPage =
  /** On every load, and again when the language changes (the page keeps the reader's text and encoding). */
  | { type: 'init'; init: TokenizerInit }
  /** llmLab.tokenize on an open panel: show this text. */
  | { type: 'show'; text: string; encoding: EncodingName }
  | ResponseEnvelope<WidgetResponse>;

/** A request's payload is checked by the widget handler, not here. */
export type FromTokenizerPage = { type: 'ready' } | { type: 'widgetUsed' } | RequestEnvelope;

export function parseFromTokenizerPage(raw: unknown): FromTokenizerPage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.type === 'ready' || m.type === 'widgetUsed') return { type: m.type };
  if (m.type === 'request' && typeof m.requestId === 'number' && Number.isFinite(m.requestId)) return { type: 'request', requestId: m.requestId, payload: m.payload };
  return undefined;
}
