import type { Lang } from '../core/l10n';
import { DEMO_IDS } from '../lecture/lectureTypes';
import type { ChatMessage, LlmErrorKind, ProviderId, TokenLogprob } from '../llm/types';
import type { PromptParts, PromptTemplate } from './promptTemplate';

export { DEMO_IDS };
export type DemoId = (typeof DEMO_IDS)[number];
export const DEMO_LANGS: readonly Lang[] = ['en', 'zh-cn'];

export type CodeLanguage = 'python' | 'javascript';

/** How an answer is read out of a model's text (see answerExtractors.ts). */
export type ExtractorSpec =
  | { id: 'none' }
  /** "The answer is N" / "答案是 N"; falls back to the last number unless `fallback: false`. */
  | { id: 'answer-is'; fallback?: boolean }
  /** The last number in the text (commas, signs, decimals; `words` also reads "two" / "两"). */
  | { id: 'last-number'; words?: boolean }
  /** The first number in the text (second-stage answers such as "Therefore, the answer is 4"). */
  | { id: 'first-number'; words?: boolean }
  /** The label whose alias occurs first; `labels` maps the answer shown to its aliases. */
  | { id: 'label'; labels: Record<string, string[]> }
  | { id: 'yes-no' };

export type ExtractorId = ExtractorSpec['id'];

/** Demo-level defaults; a run may pin some of them (temperature-sampling pins T per run). */
export interface DemoOptions {
  temperature: number;
  /** How many times each run is sampled (self-consistency: 5). */
  samples: number;
  maxTokens?: number;
  /** Compare mode: runs side by side, started together. Otherwise one after another. */
  parallel: boolean;
  /** Majority vote over all samples' answers (self-consistency). */
  vote: boolean;
  logprobs?: boolean;
  topLogprobs?: number;
  /** With no endpoint, fall back to this provider (next-token, temperature-sampling: the n-gram model). */
  fallbackProvider?: 'builtin';
}

export interface RunOptions {
  temperature?: number;
  maxTokens?: number;
}

export interface DemoRun {
  id: string;
  label: string;
  /** Runs with the same group are shown side by side (cot-vs-standard: one group per problem). */
  group?: string;
  template: PromptTemplate;
  /** Accepted answers; the first one is shown as "expected". */
  expected?: string[];
  /** Overrides the demo's extractor for this run. */
  extractor?: ExtractorSpec;
  /** Pinned options: win over the demo defaults and over the caller's overrides. */
  options?: RunOptions;
  /**
   * Zero-shot CoT's second stage (Kojima et al. 2022): after the reasoning, ask again with this trigger
   * appended (e.g. "Therefore, the answer (arabic numerals) is") and read the answer from that reply.
   */
  answerTrigger?: string;
  /** PAL: the reply is a program in this language; the runner extracts and executes it. */
  program?: CodeLanguage;
  /** What the run sends instead on LLM Lab's built-in models (provider 'builtin'), which know only the lecture. */
  builtin?: BuiltinRunOverride;
}

/**
 * A run as the built-in models get it: a lecture sentence they can continue instead of the endpoint's
 * prompt. Not applied when the reader edited the run's prompt (the edit is sent as written).
 */
export interface BuiltinRunOverride {
  /** Default: the run's label. */
  label?: string;
  /** Merged over the run's parts. */
  parts: Partial<PromptParts>;
  /** Replaces the run's expected answers; none: the run is not graded on the built-in models. */
  expected?: string[];
  /** Default: the run's extractor. */
  extractor?: ExtractorSpec;
}

export interface DemoSource {
  title: string;
  authors?: string;
  year?: number;
  arxiv?: string;
  url?: string;
  note?: string;
}

/** One demo in one language, as compiled into dist/content/demos.json. */
export interface DemoDefinition {
  id: string;
  lang: Lang;
  title: string;
  /** Lecture section id (SPEC). */
  section: string;
  summary: string;
  /** What the reader should notice, one point per entry (markdown inline). */
  notice: string[];
  /** Shown when no model is connected: what the demo would show. */
  expectation: string;
  sources: DemoSource[];
  options: DemoOptions;
  extractor: ExtractorSpec;
  runs: DemoRun[];
  /** Runs not run by default; used by the selection commands (e.g. translation EN→ZH, ZH→EN). */
  extraRuns: DemoRun[];
}

export interface DemoCatalog {
  version: 1;
  ids: DemoId[];
  demos: Record<string, Record<Lang, DemoDefinition>>;
}

// ---- Results (SPEC `DemoResult`; fields after the SPEC ones are optional extensions for the playground) ----

export interface DemoUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

export interface DemoErrorInfo {
  kind: LlmErrorKind;
  message: string;
}

/** What the code sandbox reports (codeSandbox.ts). */
export interface SandboxResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  killedForOutput: boolean;
  cancelled: boolean;
  durationMs: number;
  language: CodeLanguage;
}

/** Why a program was not executed. `untrusted` also becomes the demo's error. */
export interface CodeRefusal {
  status: 'refused';
  reason: 'untrusted' | 'setting' | 'declined' | 'unavailable';
  message: string;
}

export type CodeExecution = ({ status: 'ran' } & SandboxResult) | CodeRefusal;

export interface DemoRunCode {
  language: CodeLanguage;
  /** The code as the model wrote it (extracted from the reply). */
  source: string;
  /** What was executed: source plus the call of solution(). */
  program: string;
  execution?: CodeExecution;
}

export interface DemoRunResult {
  label: string;
  prompt: string;
  output: string;
  reasoning?: string;
  answer?: string;
  expected?: string;
  correct?: boolean;
  usage?: DemoUsage;
  ttftMs?: number;
  totalMs?: number;
  // extensions
  runId?: string;
  group?: string;
  /** 1-based when a run is sampled more than once. */
  sample?: number;
  temperature?: number;
  messages?: ChatMessage[];
  tokens?: TokenLogprob[];
  code?: DemoRunCode;
  error?: DemoErrorInfo;
}

export interface VoteResult {
  /** The majority answer; undefined when no sample gave an answer. */
  winner?: string;
  /** Answers by count, most first; ties in order of first appearance. */
  histogram: { answer: string; count: number }[];
  /** Samples with no extractable answer. */
  noAnswer: number;
  total: number;
  expected?: string;
  correct?: boolean;
}

export interface DemoResult {
  demoId: string;
  ok: boolean;
  provider: ProviderId | string;
  model: string;
  runs: DemoRunResult[];
  error?: DemoErrorInfo;
  // extension
  vote?: VoteResult;
}
