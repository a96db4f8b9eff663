/** A demo result as a markdown report (the playground's export). Pure. */
import { t } from '../core/l10n';
import type { HistoryEntry } from './playgroundSession';
import type { DemoRunResult } from './demoTypes';

/** A fence longer than any run of backticks inside, so model output cannot break out of its block. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

function verdict(run: DemoRunResult): string {
  if (run.correct === true) return '✓';
  if (run.correct === false) return '✗';
  return '–';
}

function runSection(run: DemoRunResult, index: number): string {
  const lines: string[] = [`### ${index + 1}. ${run.label}`, ''];
  const facts: string[] = [];
  if (run.temperature !== undefined) facts.push(t('temperature {0}', run.temperature));
  if (run.ttftMs !== undefined) facts.push(t('first token {0} ms', run.ttftMs));
  if (run.totalMs !== undefined) facts.push(t('total {0} ms', run.totalMs));
  if (run.usage?.totalTokens !== undefined) facts.push(t('{0} tokens', run.usage.totalTokens));
  if (facts.length) lines.push(facts.join(' · '), '');
  lines.push(`**${t('Prompt')}**`, '', fenced(run.prompt), '');
  if (run.reasoning) lines.push(`**${t('Reasoning')}**`, '', fenced(run.reasoning), '');
  lines.push(`**${t('Output')}**`, '', fenced(run.output || t('(no output)')), '');
  if (run.code) {
    lines.push(`**${t('Program')}**`, '', fenced(run.code.source, run.code.language), '');
    const ex = run.code.execution;
    if (ex?.status === 'ran') lines.push(`**${t('Program output')}**`, '', fenced((ex.stdout + (ex.stderr ? `\n${ex.stderr}` : '')).trim() || t('(no output)')), '');
    else if (ex) lines.push(`> ${ex.message}`, '');
  }
  if (run.answer !== undefined || run.expected !== undefined) {
    lines.push(`${verdict(run)} ${t('Answer: {0} · expected: {1}', run.answer ?? '—', run.expected ?? '—')}`, '');
  }
  if (run.error) lines.push(`> ${t('Error ({0}): {1}', run.error.kind, run.error.message)}`, '');
  return lines.join('\n');
}

export function entryMarkdown(entry: HistoryEntry): string {
  const { result } = entry;
  const lines: string[] = [
    `## ${entry.title}`,
    '',
    `- ${t('Demo')}: \`${result.demoId}\``,
    `- ${t('When')}: ${new Date(entry.at).toISOString()}`,
    `- ${t('Provider')}: ${result.provider}${result.model ? ` · ${t('model')} \`${result.model}\`` : ''}`,
  ];
  const graded = result.runs.filter((r) => r.correct !== undefined);
  if (graded.length) lines.push(`- ${t('Correct: {0} of {1}', graded.filter((r) => r.correct).length, graded.length)}`);
  if (result.vote) {
    const bars = result.vote.histogram.map((h) => `${h.answer} × ${h.count}`).join(', ');
    lines.push(`- ${t('Majority vote: {0} ({1})', result.vote.winner ?? '—', bars || t('no answers'))}${result.vote.correct === undefined ? '' : ` ${result.vote.correct ? '✓' : '✗'}`}`);
  }
  if (result.error) lines.push(`- ${t('Error ({0}): {1}', result.error.kind, result.error.message)}`);
  lines.push('');
  result.runs.forEach((run, i) => lines.push(runSection(run, i)));
  return lines.join('\n');
}

export function historyMarkdown(entries: readonly HistoryEntry[]): string {
  return [`# ${t('LLM Lab playground runs')}`, '', ...entries.map(entryMarkdown)].join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}
