import { t } from '../core/l10n';
import { LlmErrorKind } from './types';

export type ConnectionState =
  | { state: 'unknown'; provider: string }
  | { state: 'checking'; provider: string }
  | { state: 'connected'; provider: string; model?: string }
  | { state: 'running'; provider: string; model?: string }
  | { state: 'noModel'; provider: string; message?: string }
  | { state: 'error'; provider: string; model?: string; kind: LlmErrorKind; message: string };

/** Status bar text and tooltip: provider · model · state. */
export function statusText(s: ConnectionState): { text: string; tooltip: string; warning: boolean; error: boolean } {
  const parts = (icon: string, ...items: (string | undefined)[]): string => `${icon} ${items.filter(Boolean).join(' · ')}`;
  const click = t('Click to choose the provider and model.');
  switch (s.state) {
    case 'unknown':
      return { text: parts('$(hubot)', s.provider), tooltip: `${t('LLM Lab: not checked yet.')} ${click}`, warning: false, error: false };
    case 'checking':
      return { text: parts('$(sync~spin)', s.provider), tooltip: t('LLM Lab: looking for a model…'), warning: false, error: false };
    case 'connected':
      return { text: parts('$(hubot)', s.provider, s.model, t('connected')), tooltip: `${t('LLM Lab: connected to {0}.', s.provider)} ${click}`, warning: false, error: false };
    case 'running':
      return { text: parts('$(loading~spin)', s.provider, s.model), tooltip: t('LLM Lab: a request is running (“LLM Lab: Cancel” stops it).'), warning: false, error: false };
    case 'noModel':
      return { text: parts('$(circle-slash)', s.provider, t('no model')), tooltip: `${s.message ?? t('LLM Lab: no model found.')} ${t('Click to download a small model (≈400 MB).')}`, warning: true, error: false };
    case 'error':
      return { text: parts('$(error)', s.provider, s.model, t('error')), tooltip: `${s.message} ${click}`, warning: false, error: true };
  }
}
