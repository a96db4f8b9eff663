// Glossary matcher speed on a synthetic 5,000-line mixed English/Chinese markdown document:
// - per hover (what the hover provider does once regions are cached: find the region, scan a 3-line window),
// - the whole-document scan (regions + every match: what underline decorations do),
// - the region scan alone (the first hover after an edit),
// each against a plain character loop over the same text in the same run; and the whole scan with a 10×
// synthetic glossary against the real one (cost must not grow with glossary size).
import { join } from 'node:path';
import { loadGlossary } from '../src/glossary/glossaryLoader';
import { AliasEntry, GlossaryMatcher } from '../src/glossary/glossaryMatcher';
import { allowedRanges, rangeAt, TextRange } from '../src/glossary/textRegions';
import type { BenchResult } from './run';
import { median, percentile } from './timing';

/**
 * Runs a and b alternately (this machine is shared and noisy: drift hits both alike) and returns the
 * median time of each and the median of the per-round ratios a/b.
 */
function paired(a: () => void, b: () => void, rounds = 11): { a: number; b: number; ratio: number } {
  a();
  b();
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let start = process.hrtime.bigint();
    a();
    const x = Number(process.hrtime.bigint() - start) / 1e6;
    start = process.hrtime.bigint();
    b();
    const y = Number(process.hrtime.bigint() - start) / 1e6;
    ta.push(x);
    tb.push(y);
    ratios.push(x / y);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

/** Deterministic PRNG (mulberry32), so every run measures the same document. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN_WORDS = 'the a model learns from text and then we train it with more data so that answers improve over time while users ask questions about results'.split(' ');
const ZH_PHRASES = ['模型', '在大规模文本上', '进行训练', '然后', '用户提问', '回答质量', '不断提高', '我们发现', '这个方法', '效果很好', '，', '。'];

function syntheticDocument(terms: readonly string[], zhTerms: readonly string[], lines: number): string {
  const rnd = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const out: string[] = ['---', 'title: synthetic notes', '---'];
  while (out.length < lines) {
    const r = rnd();
    if (r < 0.02) {
      out.push('```python', '# RLHF in code: not matched here', 'ppo_step = reward_model(x)', '```');
      continue;
    }
    if (r < 0.06) {
      out.push(`## ${pick(terms)} notes`);
      continue;
    }
    const words: string[] = [];
    if (r < 0.55) {
      for (let i = 0; i < 12; i++) words.push(rnd() < 0.12 ? pick(terms) : pick(EN_WORDS));
      out.push(words.join(' ') + (rnd() < 0.2 ? ' `code span`' : '') + '.');
    } else {
      for (let i = 0; i < 14; i++) words.push(rnd() < 0.12 ? pick(zhTerms) : rnd() < 0.05 ? ` ${pick(terms)} ` : pick(ZH_PHRASES));
      out.push(words.join(''));
    }
  }
  return out.slice(0, lines).join('\n');
}

/** Ten times the real glossary: the real aliases plus nine made-up ones per alias, Latin and CJK. */
function syntheticEntries(real: readonly AliasEntry[]): AliasEntry[] {
  const rnd = random(7);
  const latin = 'abcdefghijklmnopqrstuvwxyz';
  const cjk = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';
  const out: AliasEntry[] = [...real];
  for (const entry of real) {
    for (let k = 0; k < 9; k++) {
      const isCjk = /[\u4e00-\u9fff]/.test(entry.alias);
      let alias = '';
      const length = 2 + Math.floor(rnd() * (isCjk ? 4 : 14));
      for (let i = 0; i < length; i++) alias += isCjk ? cjk[Math.floor(rnd() * cjk.length)] : latin[Math.floor(rnd() * 26)];
      out.push({ alias: isCjk ? alias : `${alias} ${entry.alias.split(' ')[0].toLowerCase()}x`, termId: `${entry.termId}-synthetic-${k}` });
    }
  }
  return out;
}

/** The baseline: a plain pass over the same characters (what any scan must at least pay). */
function charLoop(text: string, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum = (sum + text.charCodeAt(i)) | 0;
  return sum;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface Window {
  offset: number;
  from: number;
  to: number;
}

/** What the hover provider computes before matching: the allowed region ∩ the lines around the offset. */
function hoverWindow(text: string, ranges: readonly TextRange[], starts: readonly number[], offset: number): Window | undefined {
  const region = rangeAt(ranges, offset);
  if (!region) return undefined;
  const line = lineOf(starts, offset);
  const from = Math.max(region.start, starts[Math.max(0, line - 1)]);
  const lastLine = Math.min(starts.length - 1, line + 1);
  const to = Math.min(region.end, lastLine + 1 < starts.length ? starts[lastLine + 1] - 1 : text.length);
  return { offset, from, to };
}

function scanDocument(matcher: GlossaryMatcher, text: string): number {
  let count = 0;
  for (const range of allowedRanges('markdown', text)) count += matcher.findTerms(text, range.start, range.end).length;
  return count;
}

export async function run(): Promise<BenchResult[]> {
  const data = loadGlossary(join(__dirname, '..', 'media'));
  const entries: AliasEntry[] = data.terms.flatMap((t) => [...t.en.aliases, ...t['zh-cn'].aliases].map((alias) => ({ alias, termId: t.id })));
  const real = new GlossaryMatcher(entries);
  const big = new GlossaryMatcher(syntheticEntries(entries));
  const enTerms = data.terms.flatMap((t) => t.en.aliases);
  const zhTerms = data.terms.flatMap((t) => t['zh-cn'].aliases);
  const text = syntheticDocument(enTerms, zhTerms, 5000);
  const starts = lineStarts(text);
  const ranges = allowedRanges('markdown', text);

  // Hovers at 4,000 fixed random positions.
  const rnd = random(99);
  const windows: Window[] = [];
  while (windows.length < 4000) {
    const w = hoverWindow(text, ranges, starts, Math.floor(rnd() * text.length));
    if (w) windows.push(w);
  }
  let sink = 0;
  const hoverAll = (matcher: GlossaryMatcher) => () => {
    for (const w of windows) {
      const found = hoverWindow(text, ranges, starts, w.offset);
      if (found && matcher.termAt(text, found.offset, found.from, found.to)) sink++;
    }
  };
  const baselineAll = () => {
    for (const w of windows) {
      const found = hoverWindow(text, ranges, starts, w.offset);
      if (found) sink += charLoop(text, found.from, found.to) & 1;
    }
  };
  const hover = paired(hoverAll(real), baselineAll);
  const hoverBig = paired(hoverAll(big), hoverAll(real));
  const perHover: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const w of windows) {
      const started = process.hrtime.bigint();
      const found = hoverWindow(text, ranges, starts, w.offset);
      if (found && real.termAt(text, found.offset, found.from, found.to)) sink++;
      perHover.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  }
  const hovered = windows.filter((w) => real.termAt(text, w.offset, w.from, w.to)).length;

  const scan = paired(() => (sink += scanDocument(real, text)), () => (sink += charLoop(text, 0, text.length) & 1));
  const scanBig = paired(() => (sink += scanDocument(big, text)), () => (sink += scanDocument(real, text)));
  const regions = paired(() => (sink += allowedRanges('markdown', text).length), () => (sink += charLoop(text, 0, text.length) & 1));
  const matches = scanDocument(real, text);
  const kb = (text.length / 1024).toFixed(0);
  if (sink === -1) console.log(sink);

  const us = (ms: number) => ((ms / windows.length) * 1000).toFixed(2);
  return [
    {
      name: 'glossary: hover (region lookup + termAt on a 3-line window) vs a char loop over that window',
      ratio: hover.ratio,
      detail: `${windows.length} hovers (${hovered} on a term): p99 ${percentile(perHover, 99).toFixed(1)} µs, median ${median(perHover).toFixed(1)} µs per hover (aim: p99 < 1000 µs); batch mean ${us(hover.a)} µs vs baseline ${us(hover.b)} µs`,
    },
    {
      name: 'glossary: whole 5,000-line document scan (regions + all matches) vs a char loop over it',
      ratio: scan.ratio,
      detail: `${kb} KB, ${matches} matches: ${scan.a.toFixed(2)} ms vs ${scan.b.toFixed(2)} ms`,
    },
    {
      name: 'glossary: region scan of the 5,000-line document (first hover after an edit) vs a char loop',
      ratio: regions.ratio,
      detail: `${regions.a.toFixed(2)} ms vs ${regions.b.toFixed(2)} ms, once per document version`,
    },
    {
      name: 'glossary: 10× synthetic glossary vs the real one, whole-document scan (flat ≈ 1)',
      ratio: scanBig.ratio,
      max: 2,
      detail: `${big.aliasCount} vs ${real.aliasCount} aliases: ${scanBig.a.toFixed(2)} ms vs ${scanBig.b.toFixed(2)} ms; per hover ${us(hoverBig.a)} vs ${us(hoverBig.b)} µs (ratio ${hoverBig.ratio.toFixed(2)})`,
    },
  ];
}
