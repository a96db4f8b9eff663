/**
 * The lesson widgets, mounted by the lecture panel at each ::widget[id] (and by the tokenizer panel).
 * Browser code only; the maths comes from src/lessons, the tokenizer and n-gram model are reached through
 * ctx.request (they live in the extension, so their tables never load into a webview).
 */
import { mountAttention } from './attention';
import { h, replaceChildren } from './dom';
import { mountNextToken } from './nextToken';
import { mountPpo } from './ppo';
import { mountRankingLoss } from './rankingLoss';
import { mountScaling } from './scaling';
import { mountTemperature } from './temperature';
import { mountTokenizer } from './tokenizer';
import type { WidgetContext, WidgetId } from './types';

export type { WidgetContext, WidgetId } from './types';

const MOUNTERS: Record<WidgetId, (host: HTMLElement, ctx: WidgetContext) => void> = {
  tokenizer: mountTokenizer,
  attention: mountAttention,
  'ranking-loss': mountRankingLoss,
  ppo: mountPpo,
  scaling: mountScaling,
  'next-token': mountNextToken,
  temperature: mountTemperature,
};

export function isWidgetId(id: string): id is WidgetId {
  return Object.prototype.hasOwnProperty.call(MOUNTERS, id);
}

/** Renders widget `id` into `host` (replacing its content); an unknown id shows a short notice. */
export function mountWidget(host: HTMLElement, id: WidgetId, ctx: WidgetContext): void {
  host.classList.add('llm-widget-host');
  host.dataset.widgetMounted = id;
  if (!isWidgetId(id)) {
    replaceChildren(host, h('p', { class: 'widget-error', text: ctx.t('Unknown widget "{0}".', String(id)) }));
    return;
  }
  const started = performance.now();
  MOUNTERS[id](host, ctx);
  host.dataset.widgetRenderMs = String(Math.round((performance.now() - started) * 10) / 10);
}
