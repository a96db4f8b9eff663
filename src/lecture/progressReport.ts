import type { Lang } from '../core/l10n';
import { ProgressState, sectionPassed, summarizeParts } from '../core/progressModel';
import type { CompiledLecture } from './lectureTypes';
import type { Question } from './questions';

const L = {
  en: { title: 'LLM Lab progress report', generated: 'Generated', read: 'read', passed: 'passed', part: 'Part', sections: 'sections read', questions: 'questions correct', answers: 'Answers', q: 'Question', yours: 'Your answer', correct: 'correct', wrong: 'not yet correct', attempts: 'attempts', demos: 'Demos run' },
  'zh-cn': { title: 'LLM Lab 学习报告', generated: '生成时间', read: '已读', passed: '已通过', part: '部分', sections: '节已读', questions: '题答对', answers: '作答记录', q: '题目', yours: '你的答案', correct: '正确', wrong: '尚未答对', attempts: '次尝试', demos: '运行过的演示' },
};

function describeAnswer(q: Question, answer: unknown): string {
  const options = q.options ?? [];
  if (q.type === 'single' && typeof answer === 'number') return options[answer] ?? String(answer);
  if ((q.type === 'multiple' || q.type === 'order') && Array.isArray(answer)) return answer.map((i) => options[i as number] ?? String(i)).join(q.type === 'order' ? ' → ' : '; ');
  return answer === null || answer === undefined ? '—' : String(answer);
}

/** A markdown report of progress and answers, for a student to hand in. */
export function progressReport(state: ProgressState, lecture: CompiledLecture, questions: Question[], lang: Lang, now = new Date()): string {
  const s = L[lang];
  const lines = [`# ${s.title}`, '', `${s.generated}: ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`, ''];
  for (const part of summarizeParts(state, lecture.sections, questions)) {
    const title = lecture.parts.find((p) => p.id === part.part)?.title ?? part.part;
    lines.push(`## ${title}`, '', `${part.read}/${part.sections} ${s.sections} · ${part.correct}/${part.questions} ${s.questions}`, '');
    for (const section of lecture.sections.filter((x) => x.part === part.part)) {
      const mark = sectionPassed(state, section.id, questions) ? `★ ${s.passed}` : state.sections[section.id] ? `✓ ${s.read}` : '';
      lines.push(`- ${section.order}. ${section.title}${mark ? ` — ${mark}` : ''}`);
    }
    lines.push('');
  }
  const answered = questions.filter((q) => state.checks[q.id]);
  if (answered.length) {
    lines.push(`## ${s.answers}`, '');
    for (const q of answered) {
      const check = state.checks[q.id];
      lines.push(`- **${q.prompt}**`, `  ${s.yours}: ${describeAnswer(q, check.answer)} — ${check.correct ? s.correct : s.wrong} (${check.attempts} ${s.attempts})`);
    }
    lines.push('');
  }
  const demos = Object.entries(state.demos);
  if (demos.length) {
    lines.push(`## ${s.demos}`, '', ...demos.map(([id, d]) => `- ${id} × ${d.count}`), '');
  }
  return lines.join('\n');
}
