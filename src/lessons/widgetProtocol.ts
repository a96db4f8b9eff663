/**
 * The lesson widgets' protocol with the extension, owned by the lessons capability and imported by both
 * sides (widgets in any webview, src/lessons/widgetRequestHandler.ts in the extension). A widget asks
 * through WidgetContext.request(); the response type follows from the request's `type` (WidgetRequests).
 * Type-only imports: nothing here pulls the tokenizer's rank tables or the n-gram model into a webview.
 */
import type { Lang } from '../core/l10n';
import type { RequestOf, ResponseOf, AnyRequest } from '../webview/protocol';
import type { NextTokensResult, SampleResult } from './ngramModel';
import type { TokenizeResult } from './tokenizer';
import type { EncodingName } from './tokenizerInfo';

/** Every widget a lecture section may embed (::widget[id]); the one list (content checks, walkthrough, pages). */
export const WIDGET_IDS = ['tokenizer', 'attention', 'ranking-loss', 'ppo', 'scaling', 'next-token', 'temperature'] as const;
export type WidgetId = (typeof WIDGET_IDS)[number];

/** Request type → [its fields, what it resolves to]. */
export type WidgetRequests = {
  tokenize: [{ text: string; encoding: EncodingName }, TokenizeResult];
  nextTokens: [
    {
      prefix: string;
      k: number;
      lang: Lang;
      /** When any of these is set, the probabilities are those the decoder would draw from. */
      temperature?: number;
      topK?: number;
      topP?: number;
    },
    NextTokensResult,
  ];
  sample: [{ prefix: string; temperature: number; topK: number; topP: number; seed: number; lang: Lang; maxTokens?: number }, SampleResult];
};

export type WidgetRequestType = keyof WidgetRequests;
export type WidgetRequestOf<K extends WidgetRequestType> = RequestOf<WidgetRequests, K>;
export type WidgetResponseOf<K extends WidgetRequestType> = ResponseOf<WidgetRequests, K>;
export type WidgetRequest = AnyRequest<WidgetRequests>;
export type WidgetResponse = WidgetResponseOf<WidgetRequestType>;

/** Page → extension: the reader used a widget (for progress). */
export interface WidgetUsedMessage {
  type: 'widgetUsed';
  id: WidgetId;
}
