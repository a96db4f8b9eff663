// The Training panel's page: try the current tiny GPT, train one from scratch (curves, tokens/s, samples),
// look inside (attention of each head, next-token probabilities), bits per byte against the n-gram.
import { setLanguage, t } from '../../core/l10n';
import { describeRule } from '../../tinygpt/stages/labeler';
import type { LearnerRanking } from '../../tinygpt/stages/learnerRankingArgs';
import {
  MAX_STEPS, parseToTrainingPage, RULE_KEYS,
  type AttentionResult, type BitsPerByteResult, type FromTrainingPage, type ModelInfo, type NextTokenResult, type RunSnapshot, type Sample,
  type RuleWeights, type SizeId, type SizeInfo, type StageId, type StageInfo, type StageView, type TrainingInit, type TrainingRequests,
  type TrainingSection,
} from '../../tinygpt/trainingMessages';
import { createRequester } from '../../webview/protocol';
import { el, vscodeApi } from '../shared/vscodeApi';
import { drawAttentionHead, drawLossChart } from './charts';
import { formatSI } from './plot';

interface Saved {
  size?: SizeId;
  steps?: number;
  every?: number;
  tryPrompt?: string;
  inspectText?: string;
}

const vscode = vscodeApi<Saved>();
const post = (message: FromTrainingPage): void => vscode.postMessage(message);
const requester = createRequester<TrainingRequests>((envelope) => post(envelope), 120_000);
const app = document.getElementById('app')!;
app.classList.add('training-panel');

let init: TrainingInit | undefined;
let model: ModelInfo | undefined;
let run: RunSnapshot | undefined;
const saved: Saved = { ...(vscode.getState() ?? {}) };
let tryOutput: { text?: string; error?: string; busy?: boolean } = {};
let inspectResult: { attention?: AttentionResult; next?: NextTokenResult; error?: string; busy?: boolean } = {};
let bpb: { result?: BitsPerByteResult; error?: string; busy?: boolean } = {};

const save = (patch: Partial<Saved>): void => {
  Object.assign(saved, patch);
  vscode.setState(saved);
};

const lectureLink = (section: TrainingSection, text: string, testId?: string): HTMLButtonElement => {
  const link = el('button', { class: 'link', text, attrs: { type: 'button', ...(testId ? { 'data-testid': testId } : {}) } });
  link.addEventListener('click', () => post({ type: 'openLecture', section }));
  return link;
};

// ------------------------------------------------------------------------------------------ sections

const sections = {
  model: el('section', { class: 'card', attrs: { 'aria-labelledby': 'model-h' } }),
  train: el('section', { class: 'card', attrs: { 'aria-labelledby': 'train-h' } }),
  inspect: el('section', { class: 'card', attrs: { 'aria-labelledby': 'inspect-h' } }),
  bpb: el('section', { class: 'card', attrs: { 'aria-labelledby': 'bpb-h' } }),
  stages: el('section', { class: 'card', attrs: { 'aria-labelledby': 'stages-h' } }),
};

function modelLine(m: ModelInfo): string {
  const shape = t('{0} layers, {1} heads, width {2}, context {3}, {4} parameters', m.layers, m.heads, m.dim, m.context, formatSI(m.params));
  const trained = m.steps ? t('trained {0} steps', m.steps) : t('not trained yet');
  const val = m.valLoss !== undefined ? t('validation loss {0}', m.valLoss.toFixed(2)) : '';
  const source = m.source === 'shipped' ? t('The model that ships with LLM Lab') : m.source === 'trained' ? t('Your last trained model') : t('The model being trained');
  return `${source}: ${[shape, trained, val].filter(Boolean).join(' · ')}`;
}

function renderModel(): void {
  if (!init || !model) return;
  const prompt = el('input', { attrs: { type: 'text', 'data-testid': 'try-prompt', 'aria-label': t('Prompt') } });
  prompt.value = saved.tryPrompt ?? init.prompt;
  prompt.addEventListener('input', () => save({ tryPrompt: prompt.value }));
  const go = el('button', { class: 'primary', text: t('Generate'), attrs: { type: 'submit', 'data-testid': 'try-generate' } });
  go.disabled = !!tryOutput.busy;
  const form = el('form', { class: 'row' }, prompt, go);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void generate(prompt.value);
  });
  const out = el('div', { class: 'generated', attrs: { 'data-testid': 'try-output', 'aria-live': 'polite' } });
  if (tryOutput.busy) out.append(el('span', { class: 'muted', text: t('Generating…') }));
  else if (tryOutput.error) out.append(el('span', { class: 'wrong', text: tryOutput.error }));
  else if (tryOutput.text !== undefined) out.append(el('strong', { text: prompt.value }), document.createTextNode(tryOutput.text));
  sections.model.replaceChildren(
    el('h2', { text: t('Try the tiny GPT'), attrs: { id: 'model-h' } }),
    el('p', { class: 'muted', text: modelLine(model), attrs: { 'data-testid': 'training-model' } }),
    form,
    out,
    el('p', { class: 'muted small', text: t('A GPT-2-style decoder written in TypeScript (forward and backward per operation), trained on this lecture. It writes lecture-like text, not facts.') }),
  );
}

async function generate(prompt: string): Promise<void> {
  tryOutput = { busy: true };
  renderModel();
  try {
    const r = await requester.request({ type: 'generate', prompt, maxTokens: 48, temperature: 0.8, seed: Math.floor(Math.random() * 1e6) });
    tryOutput = { text: r.text };
  } catch (error) {
    tryOutput = { error: (error as Error).message };
  }
  renderModel();
}

// ---------------------------------------------------------------------------------------- training

const statusText = (): string => {
  if (!run) return t('Not started.');
  const progress = t('step {0} of {1}', run.step, run.totalSteps);
  switch (run.status) {
    case 'starting': return t('Starting the worker threads…');
    case 'running': return `${t('Training')} · ${progress}`;
    case 'paused': return `${t('Paused')} · ${progress}`;
    case 'done': return `${t('Done')} · ${progress}`;
    case 'cancelled': return `${t('Cancelled')} · ${progress}`;
    case 'error': return t('Training failed: {0}', run.error ?? '');
  }
};

const active = (): boolean => !!run && (run.status === 'starting' || run.status === 'running' || run.status === 'paused');

function selectedSize(): SizeInfo {
  return init!.sizes.find((s) => s.id === saved.size) ?? init!.sizes.find((s) => s.id === 'tiny') ?? init!.sizes[0];
}

function sizePicker(): HTMLElement {
  const group = el('fieldset', { class: 'sizes' }, el('legend', { text: t('Size') }));
  for (const s of init!.sizes) {
    const radio = el('input', { attrs: { type: 'radio', name: 'size', value: s.id, 'data-testid': `size-${s.id}` } });
    radio.checked = s.id === selectedSize().id;
    radio.disabled = active();
    radio.addEventListener('change', () => {
      save({ size: s.id });
      renderTrain();
    });
    const name = { tiny: t('Tiny'), baby: t('Baby (as shipped)'), small: t('Small (slow)') }[s.id];
    group.append(el('label', { class: 'size' }, radio, el('span', { class: 'size-name', text: name }),
      el('span', { class: 'muted', text: t('{0}×{1}, d = {2}, context {3}', s.layers, s.heads, s.dim, s.context) }),
      el('span', { text: t('{0} parameters', formatSI(s.params)) })));
  }
  return group;
}

function numberInput(testId: string, label: string, value: number, onChange: (v: number) => void): HTMLLabelElement {
  const input = el('input', { attrs: { type: 'number', min: '1', max: String(MAX_STEPS), step: '1', 'data-testid': testId } });
  input.value = String(value);
  input.disabled = active();
  input.addEventListener('input', () => {
    const v = Math.round(Number(input.value));
    if (Number.isFinite(v) && v >= 1 && v <= MAX_STEPS) onChange(v);
  });
  return el('label', { class: 'number' }, el('span', { text: label }), input);
}

function renderTrain(): void {
  if (!init) return;
  const size = selectedSize();
  const steps = saved.steps ?? 200;
  const every = saved.every ?? 25;
  const flops = el('p', { class: 'flops', attrs: { 'data-testid': 'flops' } },
    document.createTextNode(t('Compute per step ≈ 6·N·D = 6 × {0} parameters × {1} tokens ≈ {2} FLOPs; the whole run ≈ {3} FLOPs. ', formatSI(size.params), size.tokensPerStep, formatSI(size.flopsPerStep), formatSI(size.flopsPerStep * steps))),
    lectureLink('compute-optimal', t('Why 6·N·D?'), 'flops-link'));
  const start = el('button', { class: 'primary', text: t('Start training'), attrs: { type: 'button', 'data-testid': 'train-start' } });
  start.disabled = stageBusy();
  start.addEventListener('click', () => post({ type: 'start', options: { size: size.id, steps: saved.steps ?? 200, every: saved.every ?? 25 } }));
  const paused = run?.status === 'paused';
  const pause = el('button', { class: 'secondary', text: paused ? t('Resume') : t('Pause'), attrs: { type: 'button', 'data-testid': 'train-pause' } });
  pause.disabled = !run || (run.status !== 'running' && run.status !== 'paused');
  pause.addEventListener('click', () => post({ type: paused ? 'resume' : 'pause' }));
  const cancel = el('button', { class: 'secondary', text: t('Cancel'), attrs: { type: 'button', 'data-testid': 'train-cancel' } });
  cancel.disabled = !active();
  cancel.addEventListener('click', () => post({ type: 'cancel' }));
  sections.train.replaceChildren(
    el('h2', { text: t('Train a GPT from scratch'), attrs: { id: 'train-h' } }),
    el('p', { class: 'muted small', text: t('The weights start random; every step shows the model {0} windows of the lecture and nudges them with AdamW. Two worker threads do the work, so the editor stays responsive.', size.batch) }),
    sizePicker(),
    el('div', { class: 'row' },
      numberInput('train-steps', t('Steps'), steps, (v) => { save({ steps: v }); renderFlopsOnly(); }),
      numberInput('train-every', t('Sample every'), every, (v) => save({ every: v }))),
    flops,
    el('div', { class: 'row buttons' }, start, pause, cancel),
    el('p', { class: 'status', text: statusText(), attrs: { 'data-testid': 'train-status', 'data-status': run?.status ?? 'idle', 'aria-live': 'polite' } }),
    el('div', { class: 'chart-row' }, el('div', { class: 'chart', attrs: { 'data-testid': 'chart-box' } }), el('div', { class: 'meters' })),
    el('h3', { text: t('Samples while it learns') }),
    el('p', { class: 'muted small', text: t('Same prompt, same random seed, every {0} steps: only the weights change.', every) }),
    el('ol', { class: 'samples', attrs: { 'data-testid': 'samples' } }),
  );
  renderChart();
  renderSamples();
}

/** Only the compute estimate changes when the step count does (the inputs keep their focus). */
function renderFlopsOnly(): void {
  const size = selectedSize();
  const p = sections.train.querySelector('[data-testid="flops"]');
  const text = p?.firstChild;
  if (text) text.textContent = t('Compute per step ≈ 6·N·D = 6 × {0} parameters × {1} tokens ≈ {2} FLOPs; the whole run ≈ {3} FLOPs. ', formatSI(size.params), size.tokensPerStep, formatSI(size.flopsPerStep), formatSI(size.flopsPerStep * (saved.steps ?? 200)));
}

function renderChart(): void {
  const box = sections.train.querySelector('.chart');
  const meters = sections.train.querySelector('.meters');
  if (!box || !meters) return;
  box.replaceChildren(drawLossChart({ totalSteps: run?.totalSteps ?? saved.steps ?? 200, losses: run?.losses ?? [], valLosses: run?.valLosses ?? [] }),
    el('div', { class: 'legend' },
      el('span', { class: 'key train', text: t('train loss (smoothed)') }),
      el('span', { class: 'key val', text: t('validation loss (held-out text)') })));
  const lastVal = run?.valLosses.at(-1);
  const meter = (label: string, value: string, testId: string): HTMLElement =>
    el('div', { class: 'meter' }, el('span', { class: 'muted', text: label }), el('strong', { text: value, attrs: { 'data-testid': testId } }));
  meters.replaceChildren(
    meter(t('step'), run ? `${run.step} / ${run.totalSteps}` : '—', 'meter-step'),
    meter(t('train loss'), run?.losses.length ? run.losses.at(-1)!.toFixed(3) : '—', 'meter-loss'),
    meter(t('validation loss'), lastVal ? lastVal.loss.toFixed(3) : '—', 'meter-val'),
    meter(t('tokens/s'), run && run.tokensPerSecond > 0 ? formatSI(run.tokensPerSecond) : '—', 'meter-tps'),
  );
  const status = sections.train.querySelector('[data-testid="train-status"]');
  if (status) {
    status.textContent = statusText();
    status.setAttribute('data-status', run?.status ?? 'idle');
  }
}

function sampleItem(s: Sample): HTMLElement {
  return el('li', { attrs: { 'data-testid': `sample-${s.step}` } },
    el('span', { class: 'sample-step', text: t('step {0}', s.step) }),
    el('span', { class: 'sample-text' }, el('strong', { text: s.prompt }), document.createTextNode(s.text)));
}

/**
 * The sample history, in its own scrolling box. New samples (every N steps, several a second) are appended, not the
 * whole list rebuilt, and the box follows the newest only while the reader is at its end: scrolling the page to each
 * new sample (scrollIntoView) moved Pause and Cancel from under the pointer and pulled a reader back from the chart.
 */
function renderSamples(): void {
  const list = sections.train.querySelector<HTMLElement>('.samples');
  if (!list) return;
  const samples = run?.samples ?? [];
  const following = list.scrollHeight - list.scrollTop - list.clientHeight <= 4;
  const shown = list.querySelectorAll('li[data-testid^="sample-"]');
  const lastShown = shown[shown.length - 1]?.getAttribute('data-testid');
  // Samples arrive in step order: when what is shown is the start of the history, only the rest is new.
  if (shown.length && shown.length <= samples.length && lastShown === `sample-${samples[shown.length - 1].step}`) {
    list.append(...samples.slice(shown.length).map(sampleItem));
  } else {
    const items = samples.map(sampleItem);
    if (!items.length) items.push(el('li', { class: 'muted', text: t('Samples appear here when training starts.') }));
    list.replaceChildren(...items);
  }
  if (following && run && active()) list.scrollTop = list.scrollHeight;
}

// ---------------------------------------------------------------------------------------- inspect

function renderInspect(): void {
  if (!init) return;
  const input = el('input', { attrs: { type: 'text', 'data-testid': 'inspect-text', 'aria-label': t('A sentence to look at') } });
  input.value = saved.inspectText ?? (init.lang === 'zh-cn' ? '人类反馈强化学习让模型更有用。' : 'The model learns from human feedback.');
  input.addEventListener('input', () => save({ inspectText: input.value }));
  const go = el('button', { class: 'primary', text: t('Look inside'), attrs: { type: 'submit', 'data-testid': 'inspect-run' } });
  go.disabled = !!inspectResult.busy;
  const form = el('form', { class: 'row' }, input, go);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void inspect(input.value);
  });
  const body: Node[] = [];
  if (inspectResult.busy) body.push(el('p', { class: 'muted', text: t('Running the model…') }));
  if (inspectResult.error) body.push(el('p', { class: 'wrong', text: inspectResult.error }));
  const a = inspectResult.attention;
  if (a) {
    const grid = el('div', { class: 'attention-grid', attrs: { 'data-testid': 'attention-grid', style: `--heads: ${a.heads}` } });
    for (let l = 0; l < a.layers; l++) {
      for (let h = 0; h < a.heads; h++) {
        const label = t('layer {0}, head {1}', l + 1, h + 1);
        grid.append(el('figure', { attrs: { 'data-testid': `attention-${l}-${h}` } }, drawAttentionHead(a.weights[l][h], a.tokens, label), el('figcaption', { text: label })));
      }
    }
    body.push(
      el('h3', { text: t('Attention of each head') }),
      el('p', { class: 'muted small', text: t('Row: the token that is looking; column: the token it looks at (only earlier ones: the mask is causal). Darker = more weight. Hover a cell for the pair.') }),
      el('p', { class: 'tokens' }, ...a.tokens.map((tok, i) => el('span', { class: 'token', text: tok.replace(/ /g, '·'), attrs: { title: String(i) } }))),
      ...(a.truncated ? [el('p', { class: 'muted small', text: t('Only the first {0} tokens fit in the context.', a.tokens.length) })] : []),
      grid,
    );
  }
  const next = inspectResult.next;
  if (next) {
    const max = Math.max(...next.top.map((x) => x.p), 1e-9);
    body.push(
      el('h3', { text: t('Next-token probabilities') }),
      el('p', { class: 'muted small', text: t('After “…{0}”, the model predicts:', next.context.join('')) }),
      el('ol', { class: 'next-tokens', attrs: { 'data-testid': 'next-tokens' } },
        ...next.top.map((x) => el('li', {},
          el('code', { text: JSON.stringify(x.token) }),
          el('span', { class: 'bar', attrs: { style: `--w: ${((x.p / max) * 100).toFixed(1)}%` } }),
          el('span', { class: 'p', text: `${(x.p * 100).toFixed(1)}%` })))),
    );
  }
  sections.inspect.replaceChildren(
    el('h2', { text: t('Look inside the model'), attrs: { id: 'inspect-h' } }),
    el('p', { class: 'muted small', text: t('Type a sentence: see what each attention head looks at, and what the model expects next.') }),
    form,
    ...body,
  );
}

async function inspect(text: string): Promise<void> {
  inspectResult = { busy: true };
  renderInspect();
  try {
    const [attention, next] = await Promise.all([requester.request({ type: 'attention', text }), requester.request({ type: 'nextToken', text, k: 8 })]);
    inspectResult = { attention, next };
  } catch (error) {
    inspectResult = { error: (error as Error).message };
  }
  renderInspect();
}

// --------------------------------------------------------------------------------------- bits per byte

function renderBpb(): void {
  const go = el('button', { class: 'secondary', text: t('Measure on held-out text'), attrs: { type: 'button', 'data-testid': 'bpb-run' } });
  go.disabled = !!bpb.busy;
  go.addEventListener('click', () => void measure());
  const body: Node[] = [];
  if (bpb.busy) body.push(el('p', { class: 'muted', text: t('Scoring both models on the same held-out text (a few seconds)…') }));
  if (bpb.error) body.push(el('p', { class: 'wrong', text: bpb.error }));
  const r = bpb.result;
  if (r) {
    const max = Math.max(r.ngram, r.transformer, 1e-9);
    const bar = (label: string, value: number, cls: string): HTMLElement =>
      el('div', { class: `bpb-row ${cls}` }, el('span', { text: label }), el('span', { class: 'bar', attrs: { style: `--w: ${((value / max) * 100).toFixed(1)}%` } }), el('strong', { text: value.toFixed(2) }));
    const winner = r.transformer < r.ngram ? t('The transformer wins: it needs fewer bits for each byte of text it never saw.') : t('The n-gram still wins: train the transformer longer.');
    body.push(el('div', { class: 'bpb', attrs: { 'data-testid': 'bpb-result' } },
      bar(t('trigram (Part 1, Kneser–Ney)'), r.ngram, 'ngram'),
      bar(t('tiny GPT (this model)'), r.transformer, 'transformer')),
    el('p', { class: 'small' }, document.createTextNode(winner)),
    el('p', { class: 'muted small', text: t('{0} bytes of held-out text in {1} documents; both trained on the same training split. Words the n-gram never saw ({2}% of its tokens) are charged 8 bits per byte.', r.bytes, r.documents, (r.ngramUnseen * 100).toFixed(1)) }));
  }
  sections.bpb.replaceChildren(
    el('h2', { text: t('Bits per byte: n-gram vs transformer'), attrs: { id: 'bpb-h' } }),
    el('p', { class: 'muted small', text: t('How many bits each model needs per byte of text it did not train on (lower is better). Per byte, not per token, so models with different tokenizers compare fairly.') }),
    go,
    ...body,
  );
}

async function measure(): Promise<void> {
  bpb = { busy: true };
  renderBpb();
  try {
    bpb = { result: await requester.request({ type: 'bitsPerByte' }) };
  } catch (error) {
    bpb = { error: (error as Error).message };
  }
  renderBpb();
}

// ------------------------------------------------------------------------------------------- stages

interface StageForm {
  steps: number;
  beta: number;
  gamma: number;
  rule: RuleWeights;
}
const stageForms = new Map<StageId, StageForm>();
const stageViews = new Map<StageId, StageView>();

function formOf(info: StageInfo): StageForm {
  let form = stageForms.get(info.id);
  if (!form) {
    form = { steps: info.defaults.steps, beta: info.defaults.beta, gamma: info.defaults.gamma, rule: { ...info.defaults.rule } };
    stageForms.set(info.id, form);
  }
  return form;
}

const stageBusy = (): boolean => [...stageViews.values()].some((v) => v.status === 'running') || active();

function slider(testId: string, label: string, value: number, max: number, step: number, onChange: (v: number) => void): HTMLLabelElement {
  const input = el('input', { attrs: { type: 'range', min: '0', max: String(max), step: String(step), 'data-testid': testId } });
  input.value = String(value);
  const shown = el('output', { text: String(value) });
  input.addEventListener('input', () => {
    shown.textContent = input.value;
    onChange(Number(input.value));
  });
  return el('label', { class: 'slider' }, el('span', { text: label }), input, shown);
}

function ruleEditor(form: StageForm, id: StageId): HTMLElement {
  const lines = el('ul', { class: 'rule', attrs: { 'data-testid': 'labeler-rule' } });
  const showRule = (): void => lines.replaceChildren(...describeRule(form.rule, init!.lang).map((line) => el('li', { text: line })));
  const inputs = RULE_KEYS.map((key) => {
    const input = el('input', { attrs: { type: 'number', step: key === 'perCharacter' ? '0.01' : '0.5', min: '-100', max: '100', 'data-testid': `rule-${key}`, 'aria-label': key } });
    input.value = String(form.rule[key]);
    input.addEventListener('input', () => {
      const v = Number(input.value);
      if (Number.isFinite(v) && Math.abs(v) <= 100) {
        form.rule[key] = v;
        showRule();
      }
    });
    return el('label', { class: 'number' }, el('span', { text: { namesTerm: t('names the term'), perCharacter: t('per character'), finished: t('ends by itself'), repetition: t('repetition') }[key] }), input);
  });
  showRule();
  return el('div', { class: 'labeler', attrs: { 'data-stage': id } },
    el('p', { class: 'small', text: t('The scripted labeler ranks the K = 4 sampled answers by this rule; change a weight and the reward model learns that instead.') }),
    lines, el('div', { class: 'row' }, ...inputs));
}

// The learner as the labeler: K answers the SFT model sampled, reordered with the ranking widget's
// interaction (drag, the arrow buttons, or Alt+↑/↓), saved ranking by ranking; the reward stage then learns them.
const mine = { rankings: [] as LearnerRanking[], use: false, n: 0, busy: false, error: '' };
let toRank: { prompt: string; answers: string[]; order: number[] } | undefined;

function moveAnswer(from: number, to: number): void {
  if (!toRank || to < 0 || to >= toRank.order.length || from === to) return;
  const [item] = toRank.order.splice(from, 1);
  toRank.order.splice(to, 0, item);
  renderStages();
  document.querySelector<HTMLElement>(`[data-testid="rank-item-${to}"]`)?.focus();
}

async function sampleToRank(): Promise<void> {
  mine.busy = true;
  mine.error = '';
  renderStages();
  try {
    const r = await requester.request({ type: 'answersToRank', n: mine.n++ });
    toRank = { prompt: r.prompt, answers: r.answers, order: r.answers.map((_, i) => i) };
  } catch (error) {
    mine.error = (error as Error).message;
  }
  mine.busy = false;
  renderStages();
}

function learnerRanker(): HTMLElement {
  const box = el('div', { class: 'learner-ranking', attrs: { 'data-testid': 'learner-ranking' } });
  const sample = el('button', { class: 'secondary', text: t('Sample 4 answers to rank'), attrs: { type: 'button', 'data-testid': 'rank-sample' } });
  sample.disabled = mine.busy;
  sample.addEventListener('click', () => void sampleToRank());
  box.append(el('p', { class: 'small', text: t('Or be the labeler yourself: the SFT model answers an instruction four times; put the answers in your order, best first.') }), sample);
  if (mine.error) box.append(el('p', { class: 'wrong', text: mine.error }));
  if (toRank) {
    const current = toRank;
    let dragFrom = -1;
    const list = el('ol', { class: 'ranking-list', attrs: { 'aria-label': t('Answers, best first') } }, ...current.order.map((j, i) => {
      const up = el('button', { class: 'icon', text: '↑', attrs: { type: 'button', 'aria-label': t('Move up'), 'data-testid': `rank-up-${i}` } });
      const down = el('button', { class: 'icon', text: '↓', attrs: { type: 'button', 'aria-label': t('Move down'), 'data-testid': `rank-down-${i}` } });
      up.disabled = i === 0;
      down.disabled = i === current.order.length - 1;
      up.addEventListener('click', () => moveAnswer(i, i - 1));
      down.addEventListener('click', () => moveAnswer(i, i + 1));
      const li = el('li', { class: 'ranking-item', attrs: { draggable: 'true', tabindex: '-1', 'data-testid': `rank-item-${i}` } },
        el('span', { class: 'ranking-handle', text: '⋮⋮', attrs: { 'aria-hidden': 'true' } }), el('span', { class: 'ranking-text', text: current.answers[j] || '∅' }), up, down);
      li.addEventListener('keydown', (event) => {
        if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
        event.preventDefault();
        moveAnswer(i, event.key === 'ArrowUp' ? i - 1 : i + 1);
      });
      li.addEventListener('dragstart', () => { dragFrom = i; });
      li.addEventListener('dragover', (event) => event.preventDefault());
      li.addEventListener('drop', (event) => {
        event.preventDefault();
        if (dragFrom >= 0) moveAnswer(dragFrom, i);
        dragFrom = -1;
      });
      return li;
    }));
    const keep = el('button', { class: 'primary', text: t('Save this ranking (6 pairs)'), attrs: { type: 'button', 'data-testid': 'rank-save' } });
    keep.addEventListener('click', () => {
      mine.rankings.push({ prompt: current.prompt, answers: current.answers, order: [...current.order] });
      mine.use = true;
      toRank = undefined;
      renderStages();
    });
    box.append(el('p', { class: 'instruction', text: current.prompt }), list, keep);
  }
  if (mine.rankings.length) {
    const use = el('input', { attrs: { type: 'checkbox', 'data-testid': 'rank-use' } });
    use.checked = mine.use;
    use.addEventListener('change', () => { mine.use = use.checked; });
    box.append(el('label', { class: 'row' }, use, el('span', {
      text: t('Train on my {0} rankings ({1} pairs) instead of the rule', mine.rankings.length, mine.rankings.length * 6),
      attrs: { 'data-testid': 'rank-count' },
    })));
  }
  return box;
}

function metricsLine(view: StageView): string {
  const m = view.metrics;
  const parts: string[] = [];
  const f = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(3));
  if (m.heldOutLoss !== undefined) parts.push(t('held-out answer loss {0} → {1}', f(m.heldOutLossBefore), f(m.heldOutLoss)));
  if (m.pairAccuracy !== undefined && view.labeler === 'learner') parts.push(t('pair accuracy on your rankings {0}% → {1}%', m.pairAccuracyBefore === undefined ? '—' : (m.pairAccuracyBefore * 100).toFixed(0), (m.pairAccuracy * 100).toFixed(0)));
  else if (m.pairAccuracy !== undefined) parts.push(t('held-out pair accuracy {0}% → {1}%', m.pairAccuracyBefore === undefined ? '—' : (m.pairAccuracyBefore * 100).toFixed(0), (m.pairAccuracy * 100).toFixed(0)));
  if (m.reward !== undefined) parts.push(t('reward {0}', f(m.reward)));
  if (m.kl !== undefined) parts.push(t('KL {0}', f(m.kl)));
  if (m.ptxLoss !== undefined) parts.push(t('pre-training loss {0}', f(m.ptxLoss)));
  return parts.join(' · ');
}

function stageResults(view: StageView): Node[] {
  const out: Node[] = [];
  const status = view.status === 'running'
    ? t('step {0} of {1}', view.points.at(-1)?.step ?? 0, view.totalSteps)
    : view.status === 'error' ? t('Training failed: {0}', view.error ?? '') : view.status === 'cancelled' ? t('Cancelled') : t('Done');
  out.push(el('p', { class: 'status', text: status, attrs: { 'data-testid': `stage-status-${view.stage}`, 'data-status': view.status, 'aria-live': 'polite' } }));
  if (view.points.length) {
    const charts = el('div', { class: 'stage-charts' });
    const series: Array<[string, number[], string]> = [[t('loss'), view.points.map((p) => p.loss), 'loss']];
    if (view.stage === 'ppo') {
      for (const [key, label] of [['reward', t('mean reward')], ['kl', t('KL to the SFT model')], ['ptxLoss', t('pre-training loss (ptx)')]] as const) {
        series.push([label, view.points.map((p) => p[key] ?? Number.NaN), key]);
      }
    }
    for (const [label, values, key] of series) {
      charts.append(el('figure', {}, drawLossChart({ title: label, testId: `stage-chart-${view.stage}-${key}`, totalSteps: view.totalSteps, losses: values, valLosses: [], compact: true }), el('figcaption', { text: label })));
    }
    out.push(charts);
  }
  const metrics = metricsLine(view);
  if (metrics) out.push(el('p', { class: 'metrics', text: metrics, attrs: { 'data-testid': `stage-metrics-${view.stage}` } }));
  if (view.rankings.length) {
    out.push(el('h4', { text: t('How the labeler ranked the answers (best first)') }),
      ...view.rankings.slice(0, 2).map((r) => el('div', { class: 'ranking' }, el('p', { class: 'instruction', text: r.instruction }),
        el('ol', {}, ...r.answers.map((a) => el('li', { text: a || '∅' }))))));
  }
  if (view.samples.length) {
    out.push(el('table', { class: 'before-after', attrs: { 'data-testid': `stage-samples-${view.stage}` } },
      el('thead', {}, el('tr', {}, el('th', { text: t('Held-out instruction') }), el('th', { text: t('Before') }), el('th', { text: t('After') }))),
      el('tbody', {}, ...view.samples.slice(0, 4).map((x) => el('tr', {}, el('td', { text: x.instruction }), el('td', { text: x.before }), el('td', { text: x.after }))))));
  }
  return out;
}

function renderStages(): void {
  if (!init) return;
  const names = {
    sft: [t('Supervised fine-tuning'), t('Answers instead of continuations: the loss counts the answer tokens only; before/after on held-out questions.'), 'rlhf-sft'],
    reward: [t('Reward model from rankings'), t('The SFT model samples K = 4 answers; every ranking gives C(4,2) = 6 pairs for −log σ(r_w − r_l).'), 'rlhf-reward-model'],
    ppo: [t('PPO with a KL leash'), t('Reward minus β·KL to the SFT model, plus γ × the pre-training loss (PPO-ptx). Try β = 0: the reward rises while the text degenerates.'), 'rlhf-ppo'],
  } as const;
  sections.stages.replaceChildren(
    el('h2', { text: t('After pre-training: SFT, reward model, PPO'), attrs: { id: 'stages-h' } }),
    el('p', { class: 'muted small', text: t('InstructGPT\'s three steps on this tiny model, each starting from the previous one’s checkpoint.') }),
    el('div', { class: 'stages' }, ...init.stages.map((s) => {
      const [title, what, section] = names[s.id];
      const card = el('div', { class: 'stage', attrs: { 'data-testid': `stage-${s.id}` } }, el('h3', { text: title }), el('p', { class: 'small', text: what }));
      if (!s.available) {
        card.append(el('p', { class: 'muted small', text: t('Coming with the next stage.') }), lectureLink(section, t('Read the section')));
        return card;
      }
      const form = formOf(s);
      const run = el('button', { class: 'primary', text: t('Run this stage'), attrs: { type: 'button', 'data-testid': `stage-run-${s.id}` } });
      run.disabled = stageBusy();
      run.addEventListener('click', () => post({
        type: 'runStage',
        options: {
          stage: s.id, steps: form.steps, beta: form.beta, gamma: form.gamma, rule: { ...form.rule },
          ...(s.id === 'reward' && mine.use && mine.rankings.length ? { rankings: mine.rankings.map((r) => ({ ...r, order: [...r.order] })) } : {}),
        },
      }));
      const view = stageViews.get(s.id);
      const cancel = el('button', { class: 'secondary', text: t('Cancel'), attrs: { type: 'button', 'data-testid': `stage-cancel-${s.id}` } });
      cancel.disabled = view?.status !== 'running';
      cancel.addEventListener('click', () => post({ type: 'cancel' }));
      card.append(el('div', { class: 'row' }, numberInput(`stage-steps-${s.id}`, t('Steps'), form.steps, (v) => { form.steps = v; })));
      if (s.id === 'reward') card.append(ruleEditor(form, s.id), learnerRanker());
      if (s.id === 'ppo') {
        card.append(el('div', { class: 'row' },
          slider('ppo-beta', t('β (KL penalty)'), form.beta, 0.5, 0.01, (v) => { form.beta = v; }),
          slider('ppo-gamma', t('γ (pre-training mix)'), form.gamma, 2, 0.1, (v) => { form.gamma = v; })));
      }
      card.append(el('div', { class: 'row buttons' }, run, cancel, lectureLink(section, t('Read the section'))));
      if (view) card.append(...stageResults(view));
      return card;
    })),
  );
}

// --------------------------------------------------------------------------------------------- wiring

function renderAll(): void {
  renderModel();
  renderTrain();
  renderInspect();
  renderBpb();
  renderStages();
}

function applyInit(next: TrainingInit): void {
  const first = !init;
  init = next;
  model = next.model;
  run = next.run;
  stageViews.clear();
  for (const view of next.stageViews) stageViews.set(view.stage, view);
  setLanguage(next.lang, next.strings);
  document.documentElement.lang = next.lang;
  if (first) {
    app.replaceChildren(el('h1', { text: t('Watch a GPT learn'), attrs: { id: 'title' } }), ...Object.values(sections));
    renderAll();
    // The shipped model answers at once: no training needed to see it write.
    if (tryOutput.text === undefined) void generate(saved.tryPrompt ?? next.prompt);
    return;
  }
  app.querySelector('#title')!.textContent = t('Watch a GPT learn');
  renderAll();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (requester.handleMessage(event.data)) return;
  const message = parseToTrainingPage(event.data);
  if (!message) return;
  switch (message.type) {
    case 'init':
      applyInit(message.init);
      return;
    case 'run':
      run = message.run;
      renderTrain();
      return;
    case 'status':
      if (!run) return;
      run.status = message.status;
      run.error = message.error;
      renderTrain();
      return;
    case 'steps':
      if (!run) return;
      // A gap (messages lost while the page was away) is drawn as a break in the line.
      while (run.losses.length < message.from) run.losses.push(NaN);
      run.losses.length = message.from;
      run.losses.push(...message.losses);
      run.step = run.losses.length;
      run.tokensPerSecond = message.tokensPerSecond;
      renderChart();
      return;
    case 'val':
      if (!run) return;
      run.valLosses.push({ step: message.step, loss: message.loss });
      renderChart();
      return;
    case 'sample':
      if (!run) return;
      run.samples.push(message.sample);
      run.samples.sort((a, b) => a.step - b.step);
      renderSamples();
      return;
    case 'model':
      model = message.model;
      renderModel();
      return;
    case 'stage': {
      const before = stageViews.get(message.view.stage)?.status;
      stageViews.set(message.view.stage, message.view);
      renderStages();
      // Training from scratch waits while a stage runs (one run at a time).
      if (before !== message.view.status) renderTrain();
      return;
    }
    case 'response':
      return;
  }
});

post({ type: 'ready' });
