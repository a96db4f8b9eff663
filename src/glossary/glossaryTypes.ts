/** The glossary as compiled to dist/content/glossary.json (see docs/glossary.md). Pure data types. */
import type { Lang } from '../core/l10n';

export interface GlossaryText {
  /** Display name, e.g. "Chain-of-thought (CoT)" / "思维链". */
  term: string;
  /** Forms matched in text (hover, underline). Display names are not matched unless listed here. */
  aliases: string[];
  /** One or two sentences. */
  definition: string;
}

export interface GlossaryTerm {
  id: string;
  /** Lecture section id (the term's home in the lecture). */
  section: string;
  source: string;
  related: string[];
  en: GlossaryText;
  'zh-cn': GlossaryText;
}

export interface GlossaryPart {
  id: string;
  title: Record<Lang, string>;
  /** Section ids of the part, in lecture order. */
  sections: string[];
}

export interface GlossaryData {
  version: 1;
  terms: GlossaryTerm[];
  /** Lecture parts with their sections, for the "by lecture part" tree. */
  parts: GlossaryPart[];
}

export const GLOSSARY_LANGS: readonly Lang[] = ['en', 'zh-cn'];

/** Term ids the lecture's front matter may use (docs/content-format.md); the glossary must define them all. */
export const GLOSSARY_TERM_IDS = [
  'nlp', 'agi', 'language-model', 'autoregressive', 'masked-language-model', 'encoder-decoder', 'bert', 'gpt', 't5',
  'transformer', 'self-attention', 'pre-training', 'fine-tuning', 'auxiliary-objective', 'token', 'bpe',
  'context-window', 'perplexity', 'zero-shot', 'one-shot', 'few-shot', 'in-context-learning', 'prompt',
  'multi-task-learning', 'webtext', 'common-crawl', 'bookcorpus', 'sparse-attention', 'local-attention',
  'strided-attention', 'hallucination', 'bias', 'emergent-abilities', 'instruction-tuning', 'instruction-learning',
  'chain-of-thought', 'zero-shot-cot', 'self-consistency', 'pal', 'alignment', 'alignment-tax', 'rlhf', 'sft', 'feedme',
  'labeler', 'reward-model', 'pairwise-ranking-loss', 'policy', 'ppo', 'kl-penalty', 'ppo-ptx', 'reward-hacking',
  'data-flywheel', 'gpt-3-5', 'scaling-laws', 'chinchilla', 'mup', 'multimodal', 'temperature', 'top-k-sampling',
  'top-p-sampling', 'n-gram-model', 'chatgpt', 'instructgpt', 'gpt-4', 'codex', 'next-token-prediction',
  'greedy-decoding', 'training-compute', 'softmax', 'exemplar',
] as const;

/** Type guard for the compiled JSON read at runtime (the build validated it; this only guards the shape). */
export function isGlossaryData(value: unknown): value is GlossaryData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<GlossaryData>;
  return v.version === 1 && Array.isArray(v.terms) && Array.isArray(v.parts);
}
