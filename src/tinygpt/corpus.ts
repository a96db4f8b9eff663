/**
 * The tiny GPT's training text: the project's own, licence-clean content — the lecture in English and
 * Chinese, the glossary and the concept-check questions. Markdown loses its front matter; YAML files
 * contribute their prose strings (prompts, options, explanations, definitions), not their keys.
 *
 * Held-out split, fixed: each document's last ~10 % (cut at a paragraph break) is validation text, so
 * validation covers every topic and both languages and never overlaps training text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

export interface CorpusDocument {
  /** Path relative to the repository root, with forward slashes. */
  id: string;
  text: string;
}

export interface CorpusSplit {
  train: string[];
  val: string[];
}

export const VAL_FRACTION = 0.1;

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, ext));
    else if (name.endsWith(ext)) out.push(path);
  }
  return out;
}

export function stripFrontMatter(markdown: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(markdown);
  return (m ? markdown.slice(m[0].length) : markdown).trim();
}

/** Prose strings of a YAML document in document order: those with a space or a CJK character. */
export function yamlProse(source: string): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= 8 && (/\s/.test(v) || /[\u3400-\u9fff]/.test(v))) out.push(v.trim());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parse(source));
  return out.join('\n');
}

/** The corpus documents in a fixed order (sorted paths). */
export function loadCorpus(root: string): CorpusDocument[] {
  const media = join(root, 'media');
  const id = (p: string): string => relative(root, p).split('\\').join('/');
  const docs: CorpusDocument[] = [];
  for (const lang of ['en', 'zh-cn']) {
    for (const p of files(join(media, 'lecture', lang), '.md')) docs.push({ id: id(p), text: stripFrontMatter(readFileSync(p, 'utf8')) });
  }
  docs.push({ id: 'media/glossary/terms.yaml', text: yamlProse(readFileSync(join(media, 'glossary', 'terms.yaml'), 'utf8')) });
  for (const p of files(join(media, 'questions'), '.yaml')) docs.push({ id: id(p), text: yamlProse(readFileSync(p, 'utf8')) });
  return docs.filter((d) => d.text.length > 0);
}

/** [train, val]: val is the text after the paragraph break nearest (1 − fraction) of the document. */
export function splitDocument(text: string, fraction = VAL_FRACTION): [string, string] {
  const target = Math.floor(text.length * (1 - fraction));
  let cut = -1;
  let best = Infinity;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (Math.abs(i - target) < best) {
      best = Math.abs(i - target);
      cut = i;
    }
  }
  if (cut < 0) cut = target;
  return [text.slice(0, cut).trimEnd(), text.slice(cut).trimStart()];
}

export function splitCorpus(docs: CorpusDocument[], fraction = VAL_FRACTION): CorpusSplit {
  const train: string[] = [];
  const val: string[] = [];
  for (const d of docs) {
    const [a, b] = splitDocument(d.text, fraction);
    if (a) train.push(a);
    if (b) val.push(b);
  }
  return { train, val };
}

/** One token stream: every document's tokens followed by <|endoftext|>. */
export function tokenizeDocuments(texts: string[], encode: (text: string) => number[], endOfText: number): Uint16Array {
  const ids: number[] = [];
  for (const text of texts) {
    for (const id of encode(text)) ids.push(id);
    ids.push(endOfText);
  }
  return Uint16Array.from(ids);
}
