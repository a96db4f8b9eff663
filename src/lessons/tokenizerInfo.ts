/** Tokenizer facts shared by the extension and the widgets (no js-tiktoken here: it must not reach a webview). */

export type EncodingName = 'r50k_base' | 'cl100k_base' | 'o200k_base';

export const ENCODINGS: readonly EncodingName[] = ['r50k_base', 'cl100k_base', 'o200k_base'];

export const DEFAULT_ENCODING: EncodingName = 'cl100k_base';

/** Which OpenAI models used each encoding, and its vocabulary size. */
export const ENCODING_INFO: Record<EncodingName, { models: string; vocab: number }> = {
  r50k_base: { models: 'GPT-2, GPT-3', vocab: 50257 },
  cl100k_base: { models: 'GPT-3.5, GPT-4', vocab: 100277 },
  o200k_base: { models: 'GPT-4o', vocab: 200019 },
};

export function isEncodingName(value: unknown): value is EncodingName {
  return typeof value === 'string' && (ENCODINGS as readonly string[]).includes(value);
}

/** The sentence pair the widget starts with: the deck's own machine-translation example (slide 13–17). */
export const SAMPLE_PAIR = {
  en: 'Harbin is a beautiful city.',
  zh: '哈尔滨是一座美丽城市。',
} as const;
