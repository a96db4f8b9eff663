/** The argument of llmLab.tokenize (SPEC): a string, or { text, encoding? } (plus showUi?). Pure. */
import { t } from '../core/l10n';
import { DEFAULT_ENCODING, ENCODINGS, isEncodingName, type EncodingName } from './tokenizerInfo';

/** Longest text the command tokenizes (the extension host would stall on more). */
export const MAX_COMMAND_TEXT = 1_000_000;

export interface TokenizeArgs {
  text: string;
  encoding: EncodingName;
  /** false: only resolve the result (automation); default true: also show the tokenizer panel. */
  showUi: boolean;
}

/** The SPEC argument: a string, or { text, encoding? } (plus showUi?). Throws with a message on anything else. */
export function parseTokenizeArgs(arg: unknown): TokenizeArgs | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') return { text: arg, encoding: DEFAULT_ENCODING, showUi: true };
  if (typeof arg !== 'object' || typeof (arg as { text?: unknown }).text !== 'string') {
    throw new TypeError(t('llmLab.tokenize takes a text or {0}.', '{ text, encoding? }'));
  }
  const { text, encoding, showUi } = arg as { text: string; encoding?: unknown; showUi?: unknown };
  if (encoding !== undefined && !isEncodingName(encoding)) {
    throw new RangeError(t('Unknown encoding "{0}". Use one of: {1}.', String(encoding), ENCODINGS.join(', ')));
  }
  return { text, encoding: encoding ?? DEFAULT_ENCODING, showUi: showUi !== false };
}

