/**
 * The built-in model's acceptance figure: bits per byte on the held-out tail of the lecture, per language,
 * for the transformer and for the lecture's Part 1 trigram trained on the same training split. Both models
 * read exactly the same held-out documents (one per lecture section), each from its start.
 */
import type { Lang } from '../core/l10n';
import { transformerBitsPerByte } from './bitsPerByte';
import { BpeTokenizer } from './bpe';
import type { Checkpoint } from './checkpoint';
import { type CorpusDocument, splitDocument } from './corpus';
import { Gpt } from './model';
import { ngramBits, trainNgram } from './trainingInspect';

export interface LanguageBits {
  transformer: number;
  ngram: number;
  bytes: number;
  documents: number;
}

const encoder = new TextEncoder();

/** EN and ZH lecture sections' held-out tails, scored by both models; the n-gram learns every document's training part. */
export function lectureBitsPerByte(ck: Pick<Checkpoint, 'config' | 'tokenizer' | 'params'>, docs: CorpusDocument[]): Record<Lang, LanguageBits> {
  const model = new Gpt(ck.config, { params: ck.params });
  const tokenizer = new BpeTokenizer(ck.tokenizer);
  const split = docs.map((d) => ({ id: d.id, parts: splitDocument(d.text) }));
  const ngram = trainNgram(split.map((d) => d.parts[0]).filter(Boolean));
  const result = {} as Record<Lang, LanguageBits>;
  for (const lang of ['en', 'zh-cn'] as const) {
    const texts = split.filter((d) => d.id.startsWith(`media/lecture/${lang}/`)).map((d) => d.parts[1]).filter(Boolean);
    let bytes = 0;
    let transformer = 0;
    let ngramTotal = 0;
    for (const text of texts) {
      const n = encoder.encode(text).length;
      bytes += n;
      transformer += transformerBitsPerByte(model, tokenizer.encode(text), n, tokenizer.endOfText) * n;
      ngramTotal += ngramBits(ngram, text).bits;
    }
    result[lang] = { transformer: transformer / bytes, ngram: ngramTotal / bytes, bytes, documents: texts.length };
  }
  return result;
}
