import { t } from '../core/l10n';
import type { Lang } from '../core/l10n';
import { isBuiltinModel } from '../lessons/builtinProvider';
import type { ChatMessage, ChatProvider, ChatRequest, LlmErrorKind, StreamEvent, TokenLogprob } from '../llm/types';
import { extractAnswer, isCorrect } from './answerExtractors';
import type {
  CodeExecution,
  CodeLanguage,
  CodeRefusal,
  DemoCatalog,
  DemoDefinition,
  DemoErrorInfo,
  DemoResult,
  DemoRun,
  DemoRunCode,
  DemoRunResult,
  DemoUsage,
  SandboxResult,
  VoteResult,
} from './demoTypes';
import { answerFromStdout, buildProgram, extractCode } from './palProgram';
import { messagesToText, toMessages, withParts, type PromptParts } from './promptTemplate';
import { majorityVote } from './voting';

/**
 * Runs a demo against a ChatProvider and returns the SPEC DemoResult. Pure (no vscode): the provider,
 * the code executor (consent + sandbox) and the clock are injected. Never throws.
 */

export type ProviderResolver = (
  request: { provider?: string; model?: string },
  signal: AbortSignal,
) => Promise<ChatProvider | undefined> | ChatProvider | undefined;

export interface CodeExecutionRequest {
  demoId: string;
  runIndex: number;
  label: string;
  language: CodeLanguage;
  /** The code as the model wrote it. */
  source: string;
  /** What runs: source + the call of solution(). */
  program: string;
}

/** Asks for consent as configured and runs the program in the sandbox (the adapter's job). */
export type CodeExecutor = (request: CodeExecutionRequest, signal: AbortSignal) => Promise<SandboxResult | CodeRefusal>;

/**
 * Sends one request and reports its events; throws LlmError. Default: iterate `provider.chat`.
 * The adapter passes LlmService.stream here so demo requests show in the status bar, are logged and
 * are stopped by `llmLab.cancel`.
 */
export type StreamFunction = (provider: ChatProvider, request: ChatRequest, signal: AbortSignal, onEvent: (event: StreamEvent) => void) => Promise<unknown>;

export interface DemoRunnerDeps {
  resolveProvider: ProviderResolver;
  stream?: StreamFunction;
  executeCode?: CodeExecutor;
  /** Which PAL variant runs: Python if present, else JavaScript. Default python. */
  codeLanguage?: CodeLanguage;
  /** Most requests in flight at once in compare mode. Default 6. */
  maxParallel?: number;
  /** Milliseconds clock; default performance.now. */
  now?: () => number;
}

export interface RunDemoOptions {
  model?: string;
  provider?: string;
  temperature?: number;
  samples?: number;
  /** Fallback for runs and demos that set none (the `llmLab.maxTokens` setting). */
  maxTokens?: number;
  /** Run only these (ids from `runs` or `extraRuns`), in this order. */
  runIds?: string[];
  /** Replaces the query of every selected run (selection commands). */
  query?: string;
  /** Replaces parts of every selected run (playground edits). */
  parts?: Partial<PromptParts>;
  signal?: AbortSignal;
  /** A per-run signal, so one column of a comparison can be stopped alone. */
  runSignal?: (runIndex: number) => AbortSignal | undefined;
  onUpdate?: (runIndex: number, event: DemoUpdate) => void;
}

export interface PlannedRun {
  index: number;
  runId: string;
  label: string;
  group?: string;
  sample?: number;
  temperature: number;
  maxTokens?: number;
  prompt: string;
  messages: ChatMessage[];
  expected?: string;
  program?: CodeLanguage;
}

/**
 * Events for the UI. runIndex -1: demo-level (`plan`, `provider`, `vote`); otherwise the run's index
 * in `plan.runs` and in `DemoResult.runs`. Everything is plain data (postMessage-safe).
 */
export type DemoUpdate =
  | { type: 'plan'; demoId: string; runs: PlannedRun[]; parallel: boolean }
  | { type: 'provider'; provider: string; model: string }
  | { type: 'start' }
  | Exclude<StreamEvent, { type: 'done' }>
  | { type: 'stage'; stage: 'answer'; prompt: string }
  | { type: 'code'; code: DemoRunCode }
  | { type: 'execution'; execution: CodeExecution }
  | { type: 'end'; run: DemoRunResult }
  | { type: 'vote'; vote: VoteResult };

const ERROR_KINDS: readonly LlmErrorKind[] = [
  'unreachable', 'auth', 'notFound', 'rateLimited', 'server', 'badResponse', 'timeout', 'cancelled', 'noProvider', 'untrusted', 'invalidInput',
];
/** After one of these, runs not yet started would fail the same way: they are not started. */
const FATAL: ReadonlySet<LlmErrorKind> = new Set(['unreachable', 'auth', 'notFound', 'noProvider', 'cancelled', 'timeout']);

export function toErrorInfo(error: unknown, signal?: AbortSignal): DemoErrorInfo {
  if (typeof error === 'object' && error !== null) {
    const { kind, message } = error as { kind?: unknown; message?: unknown };
    if (typeof kind === 'string' && (ERROR_KINDS as readonly string[]).includes(kind)) {
      return { kind: kind as LlmErrorKind, message: typeof message === 'string' ? message : String(kind) };
    }
    if ((error as { name?: unknown }).name === 'AbortError' || signal?.aborted) return { kind: 'cancelled', message: t('Cancelled.') };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'badResponse', message: t('Unexpected error from the model provider: {0}', message) };
}

function invalid(demoId: string, message: string, provider = 'none'): DemoResult {
  return { demoId, ok: false, provider, model: '', runs: [], error: { kind: 'invalidInput', message } };
}

function validateOptions(def: DemoDefinition, options: RunDemoOptions): string | undefined {
  const { temperature, samples, maxTokens } = options;
  if (temperature !== undefined && !(typeof temperature === 'number' && temperature >= 0 && temperature <= 2)) {
    return t('Temperature must be a number from 0 to 2.');
  }
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 1 && samples <= 20)) {
    return t('Samples must be a whole number from 1 to 20.');
  }
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1)) return t('Max tokens must be a positive whole number.');
  for (const id of options.runIds ?? []) {
    if (![...def.runs, ...def.extraRuns].some((r) => r.id === id)) return t('The demo "{0}" has no run "{1}".', def.id, id);
  }
  if (options.runIds && options.runIds.length === 0) return t('No runs were selected.');
  return undefined;
}

interface Planned extends PlannedRun {
  run: DemoRun;
}

function selectRuns(def: DemoDefinition, options: RunDemoOptions, codeLanguage: CodeLanguage): DemoRun[] {
  if (options.runIds) {
    const all = [...def.runs, ...def.extraRuns];
    return options.runIds.map((id) => all.find((r) => r.id === id)!);
  }
  return def.runs.filter((r) => r.program === undefined || r.program === codeLanguage);
}

/**
 * What will run, in order (also what the playground shows before anything runs). Pure. `onBuiltin`: the
 * provider is LLM Lab's built-in one, so runs with a `builtin` override send that instead.
 */
export function planRuns(def: DemoDefinition, options: RunDemoOptions = {}, codeLanguage: CodeLanguage = 'python', onBuiltin = false): PlannedRun[] {
  return plan(def, options, codeLanguage, onBuiltin).map(({ run: _run, ...rest }) => rest);
}

/** The run as the built-in models get it: its override's parts, label, expected answers and extractor. */
function forBuiltin(run: DemoRun): DemoRun {
  const { builtin, ...rest } = run;
  if (!builtin) return run;
  const swapped: DemoRun = { ...rest, label: builtin.label ?? run.label, template: withParts(run.template, builtin.parts) };
  delete swapped.expected;
  if (builtin.expected) swapped.expected = builtin.expected;
  if (builtin.extractor) swapped.extractor = builtin.extractor;
  return swapped;
}

function plan(def: DemoDefinition, options: RunDemoOptions, codeLanguage: CodeLanguage, onBuiltin: boolean): Planned[] {
  const samples = options.samples ?? def.options.samples;
  const planned: Planned[] = [];
  for (const original of selectRuns(def, options, codeLanguage)) {
    const edits: Partial<PromptParts> = { ...options.parts };
    if (options.query !== undefined) edits.query = options.query;
    // A prompt the reader wrote is sent as written, on any provider.
    const run: DemoRun = Object.keys(edits).length ? { ...original, template: withParts(original.template, edits) } : onBuiltin ? forBuiltin(original) : original;
    const messages = toMessages(run.template);
    for (let s = 1; s <= samples; s++) {
      planned.push({
        index: planned.length,
        run,
        runId: run.id,
        label: samples > 1 ? t('{0} · sample {1}', run.label, s) : run.label,
        group: run.group,
        sample: samples > 1 ? s : undefined,
        temperature: run.options?.temperature ?? options.temperature ?? def.options.temperature,
        maxTokens: run.options?.maxTokens ?? def.options.maxTokens ?? options.maxTokens,
        prompt: messagesToText(messages),
        messages,
        expected: run.expected?.[0],
        program: run.program,
      });
    }
  }
  return planned;
}

/** Text the extractors read: reasoning that models inline as <think>…</think> is not the answer. */
function answerText(text: string): string {
  return text.replace(/<think>[\s\S]*?(?:<\/think>|$)/g, '');
}

function addUsage(total: DemoUsage | undefined, event: { promptTokens?: number; completionTokens?: number; totalTokens?: number }): DemoUsage {
  const sum = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  const next: DemoUsage = {};
  const p = sum(total?.promptTokens, event.promptTokens);
  const c = sum(total?.completionTokens, event.completionTokens);
  const tt = sum(total?.totalTokens, event.totalTokens);
  if (p !== undefined) next.promptTokens = p;
  if (c !== undefined) next.completionTokens = c;
  if (tt !== undefined) next.totalTokens = tt;
  return next;
}

/** Runs a demo of the catalog by id; unknown ids give an `invalidInput` result. */
export function runDemoById(catalog: DemoCatalog, id: string, lang: Lang, options: RunDemoOptions, deps: DemoRunnerDeps): Promise<DemoResult> {
  // Looked up here rather than with demoLoader.getDemo, so the runner stays free of fs (webview-safe).
  const entry = typeof id === 'string' && Object.hasOwn(catalog.demos, id) ? catalog.demos[id] : undefined;
  const def = entry ? (entry[lang] ?? entry.en) : undefined;
  if (!def) return Promise.resolve(invalid(String(id), t('Unknown demo "{0}".', String(id))));
  return runDemo(def, options, deps);
}

export async function runDemo(def: DemoDefinition, options: RunDemoOptions, deps: DemoRunnerDeps): Promise<DemoResult> {
  try {
    return await runDemoUnsafe(def, options, deps);
  } catch (error) {
    return { demoId: def.id, ok: false, provider: options.provider ?? 'none', model: options.model ?? '', runs: [], error: toErrorInfo(error, options.signal) };
  }
}

async function runDemoUnsafe(def: DemoDefinition, options: RunDemoOptions, deps: DemoRunnerDeps): Promise<DemoResult> {
  const problem = validateOptions(def, options);
  if (problem) return invalid(def.id, problem, options.provider);
  const now = deps.now ?? (() => performance.now());
  const signal = options.signal ?? new AbortController().signal;
  const emit = (index: number, event: DemoUpdate): void => {
    try {
      options.onUpdate?.(index, event);
    } catch {
      // a broken listener must not break the run
    }
  };
  const codeLanguage = deps.codeLanguage ?? 'python';
  // Planned once: at once, unless the runs depend on a provider not yet known (runs with a `builtin` override and no
  // provider asked for: the built-in model may be the fallback), then as soon as the provider is resolved.
  let once: Planned[] | undefined;
  const planOnce = (onBuiltin: boolean): Planned[] => {
    if (once) return once;
    once = plan(def, options, codeLanguage, onBuiltin);
    emit(-1, { type: 'plan', demoId: def.id, runs: once.map(({ run: _run, ...rest }) => rest), parallel: def.options.parallel });
    return once;
  };
  if (options.provider !== undefined || ![...def.runs, ...def.extraRuns].some((r) => r.builtin)) planOnce(options.provider === 'builtin');

  const skeleton = (p: Planned): DemoRunResult => {
    const r: DemoRunResult = { label: p.label, prompt: p.prompt, output: '', runId: p.runId, temperature: p.temperature, messages: p.messages };
    if (p.group !== undefined) r.group = p.group;
    if (p.sample !== undefined) r.sample = p.sample;
    if (p.expected !== undefined) r.expected = p.expected;
    return r;
  };
  const failAll = (error: DemoErrorInfo, providerId: string, model: string): DemoResult => ({
    demoId: def.id,
    ok: false,
    provider: providerId,
    model,
    runs: planOnce(options.provider === 'builtin').map((p) => ({ ...skeleton(p), error })),
    error,
  });

  if (signal.aborted) return failAll({ kind: 'cancelled', message: t('Cancelled.') }, options.provider ?? 'none', options.model ?? '');

  // Provider: the requested one, else (demos that allow it) the built-in model.
  let provider: ChatProvider | undefined;
  let providerError: DemoErrorInfo | undefined;
  try {
    provider = await deps.resolveProvider({ provider: options.provider, model: options.model }, signal);
  } catch (error) {
    providerError = toErrorInfo(error, signal);
  }
  if (!provider && def.options.fallbackProvider && options.provider === undefined && (!providerError || providerError.kind === 'noProvider')) {
    try {
      provider = await deps.resolveProvider({ provider: def.options.fallbackProvider, model: undefined }, signal);
      if (provider) providerError = undefined;
    } catch {
      // keep the first error
    }
  }
  if (!provider) {
    return failAll(
      providerError ?? { kind: 'noProvider', message: t('No model is connected. Start a local server (Ollama, LM Studio, llama.cpp, vLLM) or choose one with "LLM Lab: Select Model".') },
      options.provider ?? 'none',
      options.model ?? '',
    );
  }
  const providerId = provider.id;
  // The built-in model (asked for, or as the fallback) gets the runs' lecture sentences it can continue.
  const planned = planOnce(providerId === 'builtin');
  // The built-in provider ignores a model name meant for an endpoint, except its own ('ngram', 'tinygpt', 'tinygpt-ppo', …).
  const modelFor = (id: string): string | undefined => (id !== 'builtin' || (options.model !== undefined && isBuiltinModel(options.model)) ? options.model : undefined);
  let model = modelFor(provider.id) || provider.defaultModel || options.model || '';
  emit(-1, { type: 'provider', provider: providerId, model });

  const results: DemoRunResult[] = planned.map(skeleton);
  let fatal: DemoErrorInfo | undefined;

  const runOne = async (p: Planned): Promise<void> => {
    const result = results[p.index];
    const perRun = options.runSignal?.(p.index);
    const runSignal = perRun ? AbortSignal.any([signal, perRun]) : signal;
    if (fatal || runSignal.aborted) {
      result.error = runSignal.aborted ? { kind: 'cancelled', message: t('Cancelled.') } : fatal;
      emit(p.index, { type: 'end', run: result });
      return;
    }
    emit(p.index, { type: 'start' });
    const started = now();
    let firstToken: number | undefined;
    let reasoning = '';
    const tokens: TokenLogprob[] = [];

    const stream = async (messages: ChatMessage[], maxTokens: number | undefined): Promise<string> => {
      const request: ChatRequest = { messages, temperature: p.temperature };
      const requested = modelFor(provider.id);
      if (requested) request.model = requested;
      if (maxTokens !== undefined) request.maxTokens = maxTokens;
      if (def.options.logprobs) {
        request.logprobs = true;
        if (def.options.topLogprobs !== undefined) request.topLogprobs = def.options.topLogprobs;
      }
      let text = '';
      // Within one request the last usage report counts (servers may repeat it); the stages add up.
      let stageUsage: DemoUsage | undefined;
      const onEvent = (event: StreamEvent): void => {
        if (runSignal.aborted) return;
        switch (event.type) {
          case 'text':
            firstToken ??= now();
            text += event.text;
            result.output += event.text;
            emit(p.index, event);
            break;
          case 'reasoning':
            firstToken ??= now();
            reasoning += event.text;
            emit(p.index, event);
            break;
          case 'logprobs':
            tokens.push(...event.tokens);
            emit(p.index, event);
            break;
          case 'usage':
            stageUsage = { promptTokens: event.promptTokens, completionTokens: event.completionTokens, totalTokens: event.totalTokens };
            emit(p.index, event);
            break;
          case 'retry':
            emit(p.index, event);
            break;
          case 'done':
            // The server's name for the model wins unless the caller asked for one by name.
            if (event.model && !options.model) model = event.model;
            break;
        }
      };
      if (deps.stream) await deps.stream(provider, request, runSignal, onEvent);
      else
        for await (const event of provider.chat(request, runSignal)) {
          if (runSignal.aborted) break;
          onEvent(event);
        }
      if (stageUsage) result.usage = addUsage(result.usage, stageUsage);
      if (runSignal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      return text;
    };

    try {
      const first = await stream(p.messages, p.maxTokens);
      let answerSource = first;
      if (p.run.answerTrigger) {
        // Kojima et al.'s second stage: the reasoning is sent back with the answer trigger appended.
        const prompt = `${messagesToText(p.messages.filter((m) => m.role !== 'system'))} ${answerText(first).trim()}\n${p.run.answerTrigger}`;
        const messages: ChatMessage[] = [...p.messages.filter((m) => m.role === 'system'), { role: 'user', content: prompt }];
        emit(p.index, { type: 'stage', stage: 'answer', prompt });
        const bridge = `\n\n${p.run.answerTrigger} `;
        result.output += bridge;
        emit(p.index, { type: 'text', text: bridge });
        const second = await stream(messages, 32);
        answerSource = `${p.run.answerTrigger} ${second}`;
      }
      result.totalMs = Math.round(now() - started);
      if (firstToken !== undefined) result.ttftMs = Math.round(firstToken - started);
      if (reasoning) result.reasoning = reasoning;
      if (tokens.length) result.tokens = tokens;

      if (p.program) {
        await runProgram(p, result, runSignal);
      } else {
        const answer = extractAnswer(answerText(answerSource), p.run.extractor ?? def.extractor);
        if (answer !== undefined) result.answer = answer;
        const correct = isCorrect(answer, p.run.expected);
        if (correct !== undefined) result.correct = correct;
      }
    } catch (error) {
      const info = toErrorInfo(error, runSignal);
      result.error = info;
      if (result.totalMs === undefined) result.totalMs = Math.round(now() - started);
      if (firstToken !== undefined && result.ttftMs === undefined) result.ttftMs = Math.round(firstToken - started);
      if (reasoning && !result.reasoning) result.reasoning = reasoning;
      // One stopped column does not stop the others; a dead endpoint or a demo-wide cancel does.
      if (FATAL.has(info.kind) && (info.kind !== 'cancelled' || signal.aborted)) fatal ??= info;
    }
    emit(p.index, { type: 'end', run: result });
  };

  const runProgram = async (p: Planned, result: DemoRunResult, runSignal: AbortSignal): Promise<void> => {
    const language = p.program!;
    const source = extractCode(result.output, language);
    const code: DemoRunCode = { language, source, program: source ? buildProgram(source, language) : '' };
    result.code = code;
    emit(p.index, { type: 'code', code: { ...code } });
    let execution: CodeExecution;
    if (!source) {
      execution = { status: 'refused', reason: 'unavailable', message: t('The model did not write any code.') };
    } else if (!deps.executeCode) {
      execution = { status: 'refused', reason: 'unavailable', message: t('Running code is not available here.') };
    } else {
      try {
        const outcome = await deps.executeCode({ demoId: def.id, runIndex: p.index, label: p.label, language, source, program: code.program }, runSignal);
        execution = 'status' in outcome ? outcome : { status: 'ran', ...outcome };
      } catch (error) {
        execution = { status: 'refused', reason: 'unavailable', message: t('The program could not be started: {0}', error instanceof Error ? error.message : String(error)) };
      }
    }
    code.execution = execution;
    emit(p.index, { type: 'execution', execution });
    if (execution.status === 'ran') {
      if (execution.cancelled) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      const answer = execution.ok ? answerFromStdout(execution.stdout) : undefined;
      if (answer !== undefined) result.answer = answer;
      const correct = isCorrect(answer, p.run.expected);
      if (correct !== undefined) result.correct = correct;
    } else if (execution.reason === 'untrusted') {
      result.error = { kind: 'untrusted', message: execution.message };
    }
  };

  if (def.options.parallel) {
    const limit = Math.max(1, deps.maxParallel ?? 6);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < planned.length) await runOne(planned[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, planned.length) }, worker));
  } else {
    for (const p of planned) await runOne(p);
  }

  const result: DemoResult = { demoId: def.id, ok: true, provider: providerId, model, runs: results };
  if (def.options.vote) {
    const expected = planned.find((p) => p.run.expected)?.run.expected;
    const vote = majorityVote(results.filter((r) => !r.error).map((r) => r.answer), expected);
    result.vote = vote;
    emit(-1, { type: 'vote', vote });
  }
  const firstError = signal.aborted ? { kind: 'cancelled' as const, message: t('Cancelled.') } : (fatal ?? results.find((r) => r.error)?.error);
  if (firstError) {
    result.ok = false;
    result.error = firstError;
  }
  return result;
}
