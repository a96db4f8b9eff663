// Validates media/ and compiles it to dist/content/*.json with the capabilities' own pure loaders.
// Any content problem (unknown reference, broken link, EN/ZH mismatch, banned term …) fails the build:
// every problem is printed as "file[:line]: what" and the process exits 1.
// `--check` validates only (no output, no n-gram training); LLMLAB_CONTENT_ROOT points the checks at another
// tree with media/, l10n/ and walkthroughs/ (the unit tests use a broken copy). LLMLAB_CONTENT_WARN_ONLY=1
// prints the problems without failing (for a shared working tree mid-edit, never for CI or packaging).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLecture } from '../src/lecture/lectureLoader';
import { checkQuestionParity, loadQuestions } from '../src/lecture/questions';
import { checkContent } from './contentChecks';

const root = join(__dirname, '..');
const contentRoot = process.env.LLMLAB_CONTENT_ROOT ?? root;
const mediaDir = join(contentRoot, 'media');
const outDir = join(root, 'dist', 'content');
const checkOnly = process.argv.includes('--check');

function write(name: string, data: unknown): number {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  if (!checkOnly) writeFileSync(join(outDir, name), text);
  return Buffer.byteLength(text);
}

async function optional<T>(modulePath: string, run: (mod: T) => unknown | Promise<unknown>, problems: string[]): Promise<void> {
  if (!existsSync(join(root, modulePath))) return;
  try {
    const mod = (await import(join(root, modulePath))) as T;
    await run(mod);
  } catch (error) {
    problems.push(`${modulePath}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  if (!checkOnly) mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const problems: string[] = [];
  const sizes: string[] = [];

  const lecture = buildLecture(mediaDir);
  problems.push(...lecture.problems);
  for (const lang of ['en', 'zh-cn'] as const) sizes.push(`lecture.${lang} ${write(`lecture.${lang}.json`, lecture.lectures[lang])} B`);
  write('figures.css', lecture.figureCss);

  const en = loadQuestions(mediaDir, 'en', problems);
  const zh = loadQuestions(mediaDir, 'zh-cn', problems);
  checkQuestionParity(en, zh, problems);
  write('questions.en.json', en);
  write('questions.zh-cn.json', zh);
  sizes.push(`questions ${en.length}`);

  await optional<{ loadGlossary: (dir: string) => unknown }>('src/glossary/glossaryLoader.ts', (mod) => {
    sizes.push(`glossary ${write('glossary.json', mod.loadGlossary(mediaDir))} B`);
  }, problems);
  await optional<{ loadDemos: (dir: string) => unknown }>('src/demos/demoLoader.ts', (mod) => {
    sizes.push(`demos ${write('demos.json', mod.loadDemos(mediaDir))} B`);
  }, problems);
  if (!checkOnly) {
    await optional<{ trainNgramFromMedia?: (dir: string) => unknown }>('scripts/trainNgram.ts', (mod) => {
      if (mod.trainNgramFromMedia) sizes.push(`ngram ${write('ngram.json', mod.trainNgramFromMedia(mediaDir))} B`);
    }, problems);
  }
  problems.push(...checkContent(contentRoot));

  const partsRaw = readFileSync(join(mediaDir, 'lecture', 'parts.yaml'), 'utf8');
  write('parts.yaml', partsRaw);
  console.log(`[content] ${sizes.join(', ')} (${Date.now() - started} ms)`);
  if (problems.length) {
    const unique = [...new Set(problems)];
    console.error(`[content] ${unique.length} content problem(s); the build fails until they are fixed (rules: docs/content-format.md):`);
    for (const p of unique) console.error(`  - ${p}`);
    // Escape hatch for a shared tree while someone is mid-edit; never set in CI or packaging.
    if (process.env.LLMLAB_CONTENT_WARN_ONLY === '1') console.error('[content] LLMLAB_CONTENT_WARN_ONLY=1: building anyway');
    else {
      console.error('[content] (to build anyway while content is being edited: LLMLAB_CONTENT_WARN_ONLY=1 npm run build)');
      process.exitCode = 1;
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
