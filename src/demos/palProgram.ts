import { lastNumber } from './answerExtractors';
import type { CodeLanguage } from './demoTypes';

/** PAL (Gao et al. 2022): pull the program out of the model's reply and make it print its answer. Pure. */

const FENCE_LANGS: Record<CodeLanguage, RegExp> = {
  python: /^(?:python3?|py)$/i,
  javascript: /^(?:javascript|js|node|mjs|cjs|typescript|ts)$/i,
};

interface Fence {
  lang: string;
  body: string;
}

function fences(text: string): Fence[] {
  const found: Fence[] = [];
  const re = /(^|\n)[ \t]*(```+|~~~+)[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:\n[ \t]*\2[ \t]*(?=\n|$)|$)/g;
  for (const m of text.matchAll(re)) found.push({ lang: m[3] ?? '', body: m[4] ?? '' });
  return found;
}

/** The program in a reply: the fenced block in the language, else any fenced block, else from `solution` on, else all. */
export function extractCode(reply: string, language: CodeLanguage): string {
  const text = reply.replace(/<think>[\s\S]*?(?:<\/think>|$)/g, '');
  const blocks = fences(text);
  const inLanguage = blocks.find((b) => FENCE_LANGS[language].test(b.lang));
  const chosen = inLanguage ?? blocks.find((b) => b.lang === '') ?? blocks[0];
  if (chosen) return chosen.body.trim();
  const start = language === 'python' ? text.search(/^\s*def solution\s*\(/m) : text.search(/^\s*(?:function solution\s*\(|(?:const|let|var) solution\s*=)/m);
  return (start >= 0 ? text.slice(start) : text).trim();
}

/** The code plus a call of solution() that prints the result (PAL's interpreter step). */
export function buildProgram(code: string, language: CodeLanguage): string {
  if (language === 'python') {
    return `${code}\n\n\nif callable(globals().get('solution')):\n    print(solution())\n`;
  }
  return (
    `${code}\n;\nif (typeof solution === 'function') {\n  const __result = solution();\n` +
    `  console.log(typeof __result === 'object' ? JSON.stringify(__result) : String(__result));\n}\n`
  );
}

/** The answer a program printed: the last number of its output. */
export function answerFromStdout(stdout: string): string | undefined {
  return lastNumber(stdout);
}
