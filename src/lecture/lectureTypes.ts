import type { Lang } from '../core/l10n';

export interface SourceRef {
  title: string;
  authors?: string;
  year?: number;
  arxiv?: string;
  url?: string;
}

export interface SectionMeta {
  id: string;
  title: string;
  part: string;
  order: number;
  summary: string;
  terms: string[];
  demos: string[];
  widgets: string[];
  sources: SourceRef[];
}

export interface RenderedSection extends SectionMeta {
  /** Sanitized HTML of the body (figures inline, math as MathML). */
  html: string;
  /** Plain text for search. */
  text: string;
  words: number;
}

export interface PartMeta {
  id: string;
  title: string;
}

export interface CompiledLecture {
  lang: Lang;
  parts: PartMeta[];
  sections: RenderedSection[];
}

export const SECTION_IDS = [
  'what-is-chatgpt', 'intelligence-and-ai', 'what-is-nlp', 'nlp-difficulties', 'nlp-paradigms', 'pretraining',
  'bert-gpt-t5', 'scaling-and-emergence', 'gpt-timeline', 'gpt-sizes', 'gpt-training-data', 'gpt1', 'gpt2', 'gpt3',
  'sparse-attention', 'in-context-learning', 'gpt3-limitations', 'chatgpt-abilities', 'instructgpt-evolution',
  'instruction-tuning', 'chain-of-thought', 'pal', 'rlhf-overview', 'token-level-rl', 'rlhf-sft', 'rlhf-reward-model',
  'rlhf-ppo', 'flywheel', 'instructgpt-vs-chatgpt', 'gpt4-rumors', 'chinchilla', 'compute-optimal', 'rlhf-future',
  'mup', 'what-happened-next',
] as const;

export const PART_IDS = ['part-background', 'part-gpt-series', 'part-instructgpt-chatgpt', 'part-gpt4-future'] as const;

/** The widgets a section may embed: the lessons capability owns the list. */
export { WIDGET_IDS } from '../lessons/widgetProtocol';

export const DEMO_IDS = [
  'zero-shot', 'one-shot-translation', 'few-shot-sentiment', 'tldr-summary', 'commonsense-probes', 'cot-vs-standard',
  'zero-shot-cot', 'self-consistency', 'pal', 'instruction-vs-completion', 'temperature-sampling', 'next-token',
] as const;
