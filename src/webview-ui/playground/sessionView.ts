/** The results of a session: one column per run, rows by group (compare mode), streaming as it comes. */
import { t } from '../../core/l10n';
import type { DemoUpdate, PlannedRun } from '../../demos/demoRunner';
import type { CodeExecution, DemoResult, DemoRunCode, DemoRunResult, VoteResult } from '../../demos/demoTypes';
import type { TokenLogprob } from '../../llm/types';
import type { RunSnapshot, SessionSnapshot } from '../../demos/playgroundMessages';
import { el } from '../shared/vscodeApi';
import { MarkdownView, type MdDocument, type MdElement } from './markdownView';

export interface SessionHandlers {
  cancelRun(runIndex: number): void;
  exportRun(historyId: string): void;
}

const doc = (): MdDocument => document;

function ms(value: number): string {
  return value >= 10000 ? t('{0} s', (value / 1000).toFixed(1)) : t('{0} ms', Math.round(value));
}

/** Tokens per second of the generation (after the first token), from usage or the count of deltas. */
export function tokensPerSecond(run: DemoRunResult, deltas: number): { value: number; estimated: boolean } | undefined {
  if (run.totalMs === undefined || run.ttftMs === undefined) return undefined;
  const seconds = (run.totalMs - run.ttftMs) / 1000;
  const tokens = run.usage?.completionTokens;
  const count = tokens ?? deltas;
  if (seconds <= 0.05 || count < 2) return undefined;
  return { value: count / seconds, estimated: tokens === undefined };
}

function visibleToken(token: string): string {
  return token.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '∅';
}

class RunColumn {
  readonly root: HTMLElement;
  private readonly state = el('span', { class: 'run-state', attrs: { role: 'status' } });
  private readonly stop: HTMLButtonElement;
  private readonly reasoningBox = el('details', { class: 'run-reasoning', attrs: { hidden: '' } });
  private readonly reasoningBody = el('div', { class: 'md' });
  private readonly output: HTMLElement;
  /** Program runs (PAL): the reply folds away once the program is shown. */
  private readonly reply: HTMLDetailsElement | undefined;
  private readonly codeBox = el('div', { class: 'run-code', attrs: { hidden: '' } });
  private readonly tokensBox = el('div', { class: 'run-tokens', attrs: { hidden: '' } });
  private readonly answer: HTMLElement;
  private readonly verdict: HTMLElement;
  private readonly metrics = el('div', { class: 'run-metrics' });
  private readonly error = el('div', { class: 'run-error', attrs: { role: 'alert', hidden: '' } });
  private view: MarkdownView;
  private reasoningView: MarkdownView;
  private tokens: TokenLogprob[] = [];
  private deltas = 0;
  private ended = false;
  private started = false;

  constructor(
    readonly plan: PlannedRun,
    private readonly session: { provider?: string; model?: string },
    handlers: SessionHandlers,
  ) {
    const i = plan.index;
    this.output = el('div', { class: 'run-output md', attrs: { 'data-testid': `output-${i}`, 'aria-label': t('Output of {0}', plan.label) } });
    this.answer = el('div', { class: 'run-answer', attrs: { 'data-testid': `answer-${i}` } });
    this.verdict = el('span', { class: 'verdict', attrs: { 'data-testid': `verdict-${i}` } });
    this.stop = el('button', { class: 'icon run-stop', text: '■', attrs: { type: 'button', 'data-testid': `stop-${i}`, 'aria-label': t('Stop “{0}”', plan.label), title: t('Stop this run') } });
    this.stop.addEventListener('click', () => handlers.cancelRun(i));
    this.reasoningBox.append(el('summary', { text: t('Reasoning') }), this.reasoningBody);
    if (plan.program) this.reply = el('details', { class: 'run-reply', attrs: { open: '' } }, el('summary', { text: t('The model’s reply') }), this.output);
    const prompt = el('details', { class: 'run-prompt' }, el('summary', { text: t('Prompt sent') }));
    prompt.addEventListener('toggle', () => {
      if (prompt.open && prompt.childElementCount === 1) {
        prompt.append(...plan.messages.map((m) => el('div', { class: `message message-${m.role}` }, el('span', { class: 'message-role', text: m.role }), el('pre', { class: 'message-content', text: m.content }))));
      }
    }, { once: false });
    const head = el(
      'header',
      { class: 'run-head' },
      el('h3', { class: 'run-label', text: plan.label }),
      el('span', { class: 'run-temp', text: t('T = {0}', plan.temperature), attrs: { title: t('Temperature') } }),
      this.state,
      this.stop,
    );
    this.root = el(
      'article',
      { class: 'run', attrs: { 'data-run-index': String(i), 'aria-label': plan.label } },
      head,
      prompt,
      this.reasoningBox,
      this.reply ?? this.output,
      this.codeBox,
      this.tokensBox,
      el('footer', { class: 'run-foot' }, el('div', { class: 'run-result' }, this.verdict, this.answer), this.metrics, this.error),
    );
    this.view = new MarkdownView(doc(), this.output as unknown as MdElement);
    this.reasoningView = new MarkdownView(doc(), this.reasoningBody as unknown as MdElement);
    this.setState('waiting');
    if (plan.expected !== undefined) this.answer.textContent = t('Expected: {0}', plan.expected);
  }

  private setState(state: 'waiting' | 'running' | 'done' | 'cancelled' | 'error' | 'retry', detail?: string): void {
    const text = {
      waiting: t('waiting'),
      running: t('streaming…'),
      done: t('done'),
      cancelled: t('stopped'),
      error: t('failed'),
      retry: detail ? t('retrying: {0}', detail) : t('retrying…'),
    }[state];
    this.state.textContent = text;
    this.root.dataset.state = state;
    this.stop.disabled = state === 'done' || state === 'cancelled' || state === 'error';
    this.stop.hidden = this.stop.disabled;
  }

  apply(update: DemoUpdate): void {
    switch (update.type) {
      case 'start':
        this.started = true;
        this.setState('running');
        break;
      case 'text':
        if (!this.started) this.apply({ type: 'start' });
        this.deltas++;
        this.view.push(update.text);
        if (this.root.dataset.state === 'retry') this.setState('running');
        break;
      case 'reasoning':
        this.reasoningBox.hidden = false;
        this.reasoningView.push(update.text);
        break;
      case 'logprobs':
        this.tokens.push(...update.tokens);
        this.renderTokens();
        break;
      case 'retry':
        this.setState('retry', update.reason);
        break;
      case 'code':
        this.showCode(update.code);
        break;
      case 'execution':
        this.showExecution(update.execution);
        break;
      case 'end':
        this.end(update.run);
        break;
      default:
        break;
    }
  }

  /** Everything so far at once (a reloaded page, a reopened history entry). */
  restore(run: RunSnapshot): void {
    if (run.status !== 'waiting') this.apply({ type: 'start' });
    if (run.reasoning) this.apply({ type: 'reasoning', text: run.reasoning });
    if (run.output) this.view.push(run.output);
    if (run.tokens.length) this.apply({ type: 'logprobs', tokens: run.tokens });
    if (run.code) this.showCode(run.code);
    if (run.execution) this.showExecution(run.execution);
    if (run.retry) this.setState('retry', run.retry);
    if (run.result) this.end(run.result);
  }

  private renderTokens(): void {
    this.tokensBox.hidden = false;
    const table = el('table', { class: 'tokens', attrs: { 'aria-label': t('Next-token probabilities') } });
    table.append(el('thead', {}, el('tr', {}, el('th', { text: t('Token') }), el('th', { text: t('Probability') }), el('th', { text: t('Top alternatives') }))));
    const body = el('tbody');
    for (const tok of this.tokens) {
      const alts = el('td', { class: 'alts' });
      for (const alt of tok.top) {
        alts.append(el('span', { class: 'alt', text: `${visibleToken(alt.token)} ${(Math.exp(alt.logprob) * 100).toFixed(1)}%` }));
      }
      body.append(el('tr', {}, el('td', {}, el('code', { text: visibleToken(tok.token) })), el('td', { text: `${(Math.exp(tok.logprob) * 100).toFixed(1)}%` }), alts));
    }
    table.append(body);
    this.tokensBox.replaceChildren(el('h4', { text: t('Top alternatives per token') }), table);
  }

  private showCode(code: DemoRunCode): void {
    this.codeBox.hidden = false;
    if (this.reply) this.reply.open = false;
    const exec = this.codeBox.querySelector('.run-exec') ?? el('div', { class: 'run-exec', attrs: { 'data-testid': `execution-${this.plan.index}` } });
    this.codeBox.replaceChildren(
      el('h4', { text: code.language === 'python' ? t('The program (Python)') : t('The program (JavaScript)') }),
      el('pre', { class: 'program' }, el('code', { text: code.source || t('(no code found in the reply)') })),
      exec,
    );
    if (code.execution) this.showExecution(code.execution);
  }

  private showExecution(execution: CodeExecution): void {
    this.codeBox.hidden = false;
    let exec = this.codeBox.querySelector<HTMLElement>('.run-exec');
    if (!exec) {
      exec = el('div', { class: 'run-exec', attrs: { 'data-testid': `execution-${this.plan.index}` } });
      this.codeBox.append(exec);
    }
    if (execution.status === 'refused') {
      exec.replaceChildren(el('p', { class: 'exec-refused', text: execution.message, attrs: { 'data-reason': execution.reason } }));
      return;
    }
    const status = execution.timedOut
      ? t('Stopped: it ran longer than the time limit.')
      : execution.killedForOutput
        ? t('Stopped: it printed more than the output limit.')
        : execution.cancelled
          ? t('Stopped: cancelled.')
          : execution.ok
            ? t('Ran in {0} ms.', execution.durationMs)
            : t('Exited with code {0}.', execution.exitCode ?? '?');
    exec.replaceChildren(
      el('h4', { text: t('What the program printed') }),
      el('pre', { class: 'program-output' }, el('code', { text: (execution.stdout + (execution.stderr ? `\n${execution.stderr}` : '')).trim() || t('(nothing)') })),
      el('p', { class: execution.ok ? 'exec-ok' : 'exec-failed', text: status }),
    );
  }

  end(run: DemoRunResult): void {
    if (this.ended) return;
    this.ended = true;
    this.view.finish();
    this.reasoningView.finish();
    if (run.reasoning && this.reasoningBox.hidden) {
      this.reasoningBox.hidden = false;
      this.reasoningView = new MarkdownView(doc(), this.reasoningBody as unknown as MdElement);
      this.reasoningView.push(run.reasoning);
      this.reasoningView.finish();
    }
    if (!this.output.childElementCount) this.output.append(el('p', { class: 'muted', text: run.error ? '' : t('(no output)') }));
    if (run.code && this.codeBox.hidden) this.showCode(run.code);
    // Answer and verdict.
    if (run.answer !== undefined || run.expected !== undefined) {
      this.answer.textContent = run.expected !== undefined ? t('Answer: {0} · expected: {1}', run.answer ?? '—', run.expected) : t('Answer: {0}', run.answer ?? '—');
    }
    if (run.correct === true) {
      this.verdict.textContent = '✓';
      this.verdict.className = 'verdict ok';
      this.verdict.setAttribute('aria-label', t('correct'));
      this.root.dataset.correct = 'true';
    } else if (run.correct === false) {
      this.verdict.textContent = '✗';
      this.verdict.className = 'verdict wrong';
      this.verdict.setAttribute('aria-label', t('wrong'));
      this.root.dataset.correct = 'false';
    }
    // Metrics.
    const facts: string[] = [];
    if (this.session.model) facts.push(this.session.model);
    if (this.session.provider) facts.push(this.session.provider);
    if (run.ttftMs !== undefined) facts.push(t('first token {0}', ms(run.ttftMs)));
    if (run.totalMs !== undefined) facts.push(t('total {0}', ms(run.totalMs)));
    const speed = tokensPerSecond(run, this.deltas);
    if (speed) facts.push(speed.estimated ? t('≈{0} tokens/s', speed.value.toFixed(1)) : t('{0} tokens/s', speed.value.toFixed(1)));
    if (run.usage && (run.usage.promptTokens !== undefined || run.usage.completionTokens !== undefined)) {
      facts.push(t('{0} in + {1} out tokens', run.usage.promptTokens ?? '?', run.usage.completionTokens ?? '?'));
    }
    this.metrics.replaceChildren(...facts.map((f) => el('span', { class: 'metric', text: f })));
    if (run.error) {
      this.error.hidden = false;
      this.error.textContent = run.error.kind === 'cancelled' ? t('Stopped before it finished.') : t('Error ({0}): {1}', run.error.kind, run.error.message);
      this.setState(run.error.kind === 'cancelled' ? 'cancelled' : 'error');
    } else this.setState('done');
  }

  /** Every run failed for the same reason (e.g. no model): the session header says it once, not each column. */
  collapseSharedError(): void {
    this.error.hidden = true;
    this.error.textContent = '';
    this.root.dataset.sharedError = 'true';
    this.output.replaceChildren(el('p', { class: 'muted', text: t('Not run (see the message above).') }));
  }
}

export class SessionView {
  readonly root: HTMLElement;
  private readonly columns: RunColumn[] = [];
  private readonly status = el('span', { class: 'session-status', attrs: { role: 'status', 'aria-live': 'polite', 'data-testid': 'session-status' } });
  private readonly meta = el('span', { class: 'session-meta' });
  private readonly vote = el('section', { class: 'vote', attrs: { 'data-testid': 'vote-histogram', hidden: '', 'aria-label': t('Majority vote') } });
  private readonly error = el('div', { class: 'session-error', attrs: { role: 'alert', hidden: '' } });
  private readonly groups = el('div', { class: 'groups' });
  private readonly exportButton: HTMLButtonElement;
  private readonly provider: { provider?: string; model?: string } = {};

  constructor(
    readonly session: SessionSnapshot,
    private readonly handlers: SessionHandlers,
  ) {
    this.exportButton = el('button', { class: 'secondary', text: t('Export'), attrs: { type: 'button', 'data-testid': 'export-run', hidden: '' } });
    this.exportButton.addEventListener('click', () => {
      const id = this.session.historyId ?? this.session.id;
      handlers.exportRun(id);
    });
    this.root = el(
      'section',
      { class: 'session', attrs: { 'data-testid': 'session', 'data-session': session.id, 'aria-label': t('Results') } },
      el('div', { class: 'session-head' }, el('h2', { text: t('Results: {0}', session.title) }), this.meta, this.status, this.exportButton),
      this.error,
      this.vote,
      this.groups,
    );
    this.provider.provider = session.provider;
    this.provider.model = session.model;
    this.build(session.plan);
    session.runs.forEach((run, i) => this.columns[i]?.restore(run));
    if (session.vote) this.showVote(session.vote);
    this.showMeta();
    if (session.done && session.result) this.finish(session.result);
    else this.status.textContent = session.plan.length ? t('Running {0} prompt(s)…', session.plan.length) : t('Starting…');
  }

  get running(): boolean {
    return !this.session.done;
  }

  private build(plan: readonly PlannedRun[]): void {
    this.columns.length = 0;
    this.groups.replaceChildren();
    const rows = new Map<string, HTMLElement>();
    for (const p of plan) {
      const key = p.group ?? (p.sample !== undefined ? `run:${p.runId}` : '');
      let row = rows.get(key);
      if (!row) {
        row = el('div', { class: 'columns', attrs: { 'data-group': key || 'all' } });
        rows.set(key, row);
        this.groups.append(row);
      }
      const column = new RunColumn(p, this.provider, this.handlers);
      this.columns[p.index] = column;
      row.append(column.root);
    }
    for (const row of rows.values()) row.dataset.count = String(Math.min(row.childElementCount, 4));
  }

  private showMeta(): void {
    const parts = [this.provider.provider, this.provider.model].filter(Boolean) as string[];
    this.meta.textContent = parts.join(' · ');
  }

  apply(runIndex: number, update: DemoUpdate): void {
    if (runIndex < 0) {
      if (update.type === 'plan') {
        this.build(update.runs);
        this.status.textContent = t('Running {0} prompt(s)…', update.runs.length);
      } else if (update.type === 'provider') {
        this.provider.provider = update.provider;
        this.provider.model = update.model;
        this.showMeta();
      } else if (update.type === 'vote') this.showVote(update.vote);
      return;
    }
    this.columns[runIndex]?.apply(update);
  }

  private showVote(vote: VoteResult): void {
    this.vote.hidden = false;
    const max = Math.max(1, ...vote.histogram.map((h) => h.count));
    const list = el('ol', { class: 'bars' });
    for (const h of vote.histogram) {
      const bar = el('span', { class: 'bar', attrs: { 'aria-hidden': 'true' } });
      bar.style.width = `${Math.round((h.count / max) * 100)}%`;
      const winner = h.answer === vote.winner;
      list.append(
        el(
          'li',
          { class: `bar-row${winner ? ' winner' : ''}${vote.expected !== undefined && h.answer === vote.expected ? ' expected' : ''}`, attrs: { 'data-answer': h.answer } },
          el('span', { class: 'bar-label', text: h.answer }),
          el('span', { class: 'bar-track' }, bar),
          el('span', { class: 'bar-count', text: t('{0} of {1}', h.count, vote.total) }),
        ),
      );
    }
    const verdict = vote.correct === undefined ? '' : vote.correct ? ' ✓' : ' ✗';
    const summary =
      vote.winner !== undefined
        ? t('Majority answer: {0} (expected {1}){2}', vote.winner, vote.expected ?? '—', verdict)
        : t('No sample gave an answer.');
    this.vote.replaceChildren(
      el('h3', { text: t('Vote over {0} samples', vote.total) }),
      el('p', { class: `vote-summary${vote.correct === true ? ' ok' : vote.correct === false ? ' wrong' : ''}`, text: summary }),
      list,
      vote.noAnswer ? el('p', { class: 'muted', text: t('{0} sample(s) gave no answer.', vote.noAnswer) }) : '',
    );
  }

  finish(result: DemoResult): void {
    this.session.done = true;
    this.session.result = result;
    this.provider.provider = result.provider;
    this.provider.model = result.model;
    this.showMeta();
    if (this.columns.length < result.runs.length) {
      // Failed before planning (e.g. no model): show the runs with their error.
      this.build(result.runs.map((r, index) => ({ index, runId: r.runId ?? String(index), label: r.label, temperature: r.temperature ?? 0, prompt: r.prompt, messages: r.messages ?? [], expected: r.expected, group: r.group })));
    }
    result.runs.forEach((r, i) => this.columns[i]?.end(r));
    const failure = result.error;
    if (failure && failure.kind !== 'cancelled' && result.runs.length > 0 && result.runs.every((r) => r.error?.kind === failure.kind && r.error.message === failure.message)) {
      for (const column of this.columns) column.collapseSharedError();
    }
    if (result.vote) this.showVote(result.vote);
    const graded = result.runs.filter((r) => r.correct !== undefined);
    const correct = graded.filter((r) => r.correct).length;
    if (result.error && result.error.kind !== 'cancelled' && !result.runs.some((r) => !r.error)) {
      this.error.hidden = false;
      this.error.textContent = result.error.message;
    }
    this.status.textContent = result.error?.kind === 'cancelled'
      ? t('Stopped.')
      : graded.length
        ? t('Done: {0} of {1} correct.', correct, graded.length)
        : result.ok
          ? t('Done.')
          : t('Finished with errors.');
    this.exportButton.hidden = false;
  }
}
