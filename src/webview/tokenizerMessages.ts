/** Messages between the tokenizer panel and its webview (both sides import this file). */
import type { Lang } from '../core/l10n';
import type { EncodingName } from '../lessons/tokenizerInfo';
import type { WidgetRequestEnvelope, WidgetResponseEnvelope, WidgetUsedMessage } from './widgetMessages';

export interface TokenizerInit {
  lang: Lang;
  /** zh-cn runtime strings (empty in English). */
  strings: Record<string, string>;
  text: string;
  encoding: EncodingName;
}

export type ToTokenizerWebview =
  | WidgetResponseEnvelope
  | { type: 'show'; text: string; encoding: EncodingName }
  /** The reader switched languages: the page re-labels itself and keeps its text and encoding. */
  | { type: 'language'; lang: Lang; strings: Record<string, string> };

export type FromTokenizerWebview = WidgetRequestEnvelope | WidgetUsedMessage | { type: 'ready' };
