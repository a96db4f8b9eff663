/**
 * A tiny GPT checkpoint as a model of the built-in provider (lessons/builtinProvider.ts): 'tinygpt' (the
 * shipped pre-trained model continues the prompt as it is) and the tuned 'tinygpt-sft' / 'tinygpt-ppo'
 * (they answer it in their instruction template). Sampled on the sampling thread (samplerClient.ts); its
 * failures become LlmErrors that name the model and the file. No vscode here.
 */
import { t } from '../core/l10n';
import type { BuiltinSampler } from '../lessons/builtinProvider';
import { LlmError } from '../llm/types';
import { SamplerError, type SamplerClient } from './samplerClient';

export function tinyGptSampler(client: SamplerClient, model: string, path: string, mode: 'continue' | 'answer'): BuiltinSampler {
  return {
    async sample(prompt, options, signal) {
      try {
        return await client.run({ type: 'sample', path, mode, prompt, options }, signal);
      } catch (error) {
        throw samplerLlmError(error, model, path);
      }
    },
  };
}

/** What went wrong on the sampling thread, said for the model a person asked for. */
export function samplerLlmError(error: unknown, model: string, path: string): LlmError {
  const reason = error instanceof Error ? error.message : String(error);
  if (!(error instanceof SamplerError)) return new LlmError('noProvider', t('The built-in model "{0}" could not sample: {1}', model, reason), { model });
  switch (error.kind) {
    case 'cancelled':
      return new LlmError('cancelled', t('Cancelled.'));
    case 'missing':
      return new LlmError('noProvider', t('The built-in model "{0}" has no checkpoint: {1} does not exist.', model, path), { model });
    case 'badCheckpoint':
      return new LlmError('noProvider', t('The built-in model "{0}" cannot be read from {1}: {2}', model, path, reason), { model });
    case 'timeout':
      return new LlmError('timeout', t('The built-in model "{0}" took too long and was stopped.', model), { model });
    case 'failed':
    case 'disposed':
      return new LlmError('noProvider', t('The built-in model "{0}" could not sample: {1}', model, reason), { model });
  }
}
