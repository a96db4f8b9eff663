import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';

export interface CompiledQuestion {
  id: string;
  sectionId: string;
  type: 'single' | 'multiple' | 'numeric' | 'order';
  options?: string[];
  answer: number | number[];
}

export function questionsFor(sectionId: string, lang = 'en'): CompiledQuestion[] {
  const file = join(process.env.LLMLAB_REPO_ROOT!, 'dist', 'content', `questions.${lang}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as CompiledQuestion[]).filter((q) => q.sectionId === sectionId);
}

/** Answers a check in the lecture webview the way a person does: click options or type, then submit. */
export async function answerInPanel(frame: Frame, q: CompiledQuestion, correct: boolean): Promise<void> {
  const form = `form[data-question="${q.id}"]`;
  if (q.type === 'single') {
    const index = correct ? (q.answer as number) : ((q.answer as number) + 1) % q.options!.length;
    await frame.click(`${form} label[for="${q.id}-${index}"]`);
  } else if (q.type === 'multiple') {
    const indexes = correct ? (q.answer as number[]) : [...Array(q.options!.length).keys()].filter((i) => !(q.answer as number[]).includes(i)).slice(0, 1);
    for (const i of indexes) await frame.click(`${form} label[for="${q.id}-${i}"]`);
  } else if (q.type === 'numeric') {
    await frame.fill(`${form} input`, String(correct ? q.answer : (q.answer as number) * 10 + 7));
  } else {
    // order: move each item of the correct order to its place with the ↑ buttons
    if (correct) {
      for (const [target, optionIndex] of (q.answer as number[]).entries()) {
        for (;;) {
          const items = await frame.$$eval(`${form} li[data-index]`, (lis) => lis.map((li) => Number(li.getAttribute('data-index'))));
          const at = items.indexOf(optionIndex);
          if (at <= target) break;
          await frame.click(`${form} li[data-index="${optionIndex}"] button[data-move="-1"]`);
        }
      }
    }
  }
  await frame.click(`${form} button[type="submit"]`);
}
