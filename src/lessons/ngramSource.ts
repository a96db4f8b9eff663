/**
 * Lazy access to the shipped n-gram models: the JSON is read on first use (never at activation) and each
 * language's model is built only when that language is asked for. Pure: the caller supplies the reader.
 */
import type { Lang } from '../core/l10n';
import { NgramModel, type CompactModel } from './ngramModel';

export interface NgramSource {
  /** The model for a language, or undefined when the file has none (rejects when the file cannot be read). */
  model(lang: Lang): Promise<NgramModel | undefined>;
  languages(): Promise<Lang[]>;
}

export function createNgramSource(readJson: () => Promise<unknown>): NgramSource {
  let compact: Promise<CompactModel> | undefined;
  const models = new Map<Lang, NgramModel>();
  const file = (): Promise<CompactModel> => {
    compact ??= readJson().then((raw) => {
      const c = raw as CompactModel;
      if (c?.format !== 'llm-lab-ngram' || c.version !== 1 || typeof c.langs !== 'object') throw new Error('not an LLM Lab n-gram model (format/version mismatch)');
      return c;
    });
    compact.catch(() => (compact = undefined));
    return compact;
  };
  return {
    async model(lang) {
      const cached = models.get(lang);
      if (cached) return cached;
      const langModel = (await file()).langs[lang];
      if (!langModel) return undefined;
      const built = new NgramModel(langModel);
      models.set(lang, built);
      return built;
    },
    async languages() {
      const c = await file();
      return (['en', 'zh-cn'] as const).filter((lang) => c.langs[lang]);
    },
  };
}

/** A source over models already in memory (tests, the widget harness). */
export function staticNgramSource(models: Partial<Record<Lang, NgramModel>>): NgramSource {
  return {
    model: async (lang) => models[lang],
    languages: async () => (['en', 'zh-cn'] as const).filter((lang) => models[lang]),
  };
}
