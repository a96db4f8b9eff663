/**
 * Finds glossary terms in text. Built once from every alias of every term (both languages go into one
 * trie: a Chinese note that says "RLHF" and an English one that says "奖励模型" both match).
 *
 * Rules (docs/glossary.md):
 * - leftmost-longest: at each start the longest alias that passes the checks wins, then scanning resumes
 *   after it ("zero-shot CoT" beats "zero-shot" and "CoT");
 * - an alias end that is a Latin letter/digit must sit on a word boundary, where "_" and letters count as
 *   word characters: `ppo_step`, `PPOs`, `xRLHF` do not match; CJK ends need no boundary;
 * - case: a word of an alias written in capitals ("PPO", "T5") or with inner capitals ("CoT", "μP",
 *   "WebText") must match exactly; other words fold case ("Chain of thought" = "chain of thought");
 * - text is normalised first (textNormalizer.ts); offsets are mapped back to UTF-16 offsets of the
 *   original text, so full-width letters, emoji and surrogate pairs before a term do not shift it.
 * Pure, no dependencies: the lecture webview can use it too.
 */
import { isWordUnit, normalizeAliasText, normalizeInto, NormalizedText } from './textNormalizer';
import type { GlossaryTerm } from './glossaryTypes';

// A direct reference for the hot loop: transpiled CommonJS (tsx, mocha) reads imports through a getter per call.
const isWord = isWordUnit;

export interface AliasEntry {
  alias: string;
  termId: string;
}

export interface GlossaryMatch {
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number;
  end: number;
  termId: string;
  /** The alias (as written in the glossary) that matched. */
  alias: string;
}

interface Output {
  termId: string;
  alias: string;
  /** Normalised alias, exact case. */
  exact: Uint16Array;
  /** Indexes of units that must match case exactly (undefined: none). */
  sensitive?: Uint16Array;
  endsInWord: boolean;
}

/**
 * Indexes of the units of `exact` that belong to case-sensitive words: words with a capital after their
 * first letter, or all-capital words of two or more characters.
 */
export function caseSensitiveUnits(exact: string): number[] {
  const units: number[] = [];
  let i = 0;
  while (i < exact.length) {
    if (!isWordUnit(exact.charCodeAt(i)) || exact[i] === '_') {
      i++;
      continue;
    }
    let j = i;
    while (j < exact.length && isWordUnit(exact.charCodeAt(j)) && exact[j] !== '_') j++;
    const word = exact.slice(i, j);
    let upperInside = false;
    let anyUpper = false;
    let anyLower = false;
    for (let k = 0; k < word.length; k++) {
      const ch = word[k];
      const upper = ch !== ch.toLowerCase();
      const lower = ch !== ch.toUpperCase();
      if (upper) {
        anyUpper = true;
        if (k > 0) upperInside = true;
      }
      if (lower) anyLower = true;
    }
    if (upperInside || (anyUpper && !anyLower && word.length >= 2)) for (let k = i; k < j; k++) units.push(k);
    i = j;
  }
  return units;
}

/** The key two aliases collide on (what the matcher compares before its case check). */
export function aliasKey(alias: string): string {
  return normalizeAliasText(alias).folded;
}

export class GlossaryMatcher {
  /** Children of the root, by folded unit (dense: one array read per text position). */
  private readonly root = new Int32Array(65536);
  /** Most nodes have one child: its unit and node are kept inline; a Map only for the branching ones. */
  private readonly childUnit: number[] = [-1];
  private readonly childNode: number[] = [0];
  private readonly childMap: (Map<number, number> | undefined)[] = [undefined];
  private readonly outputs: (Output[] | undefined)[] = [undefined];
  private readonly scratch = new NormalizedText();
  /** Longest alias, in normalised units. */
  readonly maxAliasLength: number;
  readonly aliasCount: number;

  static fromTerms(terms: readonly GlossaryTerm[]): GlossaryMatcher {
    const entries: AliasEntry[] = [];
    for (const term of terms) {
      for (const alias of [...term.en.aliases, ...term['zh-cn'].aliases]) entries.push({ alias, termId: term.id });
    }
    return new GlossaryMatcher(entries);
  }

  constructor(entries: readonly AliasEntry[]) {
    let longest = 0;
    let count = 0;
    for (const { alias, termId } of entries) {
      const { exact, folded } = normalizeAliasText(alias);
      if (!folded) continue;
      let node = this.root[folded.charCodeAt(0)];
      if (!node) {
        node = this.newNode();
        this.root[folded.charCodeAt(0)] = node;
      }
      for (let k = 1; k < folded.length; k++) node = this.childOrNew(node, folded.charCodeAt(k));
      const list = (this.outputs[node] ??= []);
      if (list.some((o) => o.termId === termId && o.alias === alias)) continue;
      const sensitive = caseSensitiveUnits(exact);
      list.push({
        termId,
        alias,
        exact: Uint16Array.from({ length: exact.length }, (_, k) => exact.charCodeAt(k)),
        sensitive: sensitive.length ? Uint16Array.from(sensitive) : undefined,
        endsInWord: isWordUnit(folded.charCodeAt(folded.length - 1)),
      });
      longest = Math.max(longest, folded.length);
      count++;
    }
    this.maxAliasLength = longest;
    this.aliasCount = count;
  }

  private newNode(): number {
    this.childUnit.push(-1);
    this.childNode.push(0);
    this.childMap.push(undefined);
    this.outputs.push(undefined);
    return this.outputs.length - 1;
  }

  private child(node: number, unit: number): number {
    if (this.childUnit[node] === unit) return this.childNode[node];
    return this.childMap[node]?.get(unit) ?? 0;
  }

  private childOrNew(node: number, unit: number): number {
    const existing = this.child(node, unit);
    if (existing) return existing;
    const created = this.newNode();
    if (this.childUnit[node] === -1) {
      this.childUnit[node] = unit;
      this.childNode[node] = created;
    } else {
      (this.childMap[node] ??= new Map()).set(unit, created);
    }
    return created;
  }

  /** Every term in text[from, to), leftmost-longest, in order. */
  findTerms(text: string, from = 0, to = text.length): GlossaryMatch[] {
    const matches: GlossaryMatch[] = [];
    from = Math.max(0, from);
    to = Math.min(text.length, to);
    if (to <= from) return matches;
    const norm = normalizeInto(this.scratch, text, from, to);
    const { exact, folded, length: n } = norm;
    const { root, childUnit, childNode, childMap, outputs } = this;
    let i = 0;
    while (i < n) {
      const first = folded[i];
      const node0 = root[first];
      if (node0 === 0) {
        i++;
        continue;
      }
      // A Latin word character can only start a term at a word boundary.
      if (isWord(first) && isWord(i > 0 ? exact[i - 1] : norm.before)) {
        i++;
        continue;
      }
      let node = node0;
      let j = i + 1;
      let bestEnd = -1;
      let best: Output | undefined;
      for (;;) {
        const outs = outputs[node];
        if (outs) {
          const after = j < n ? exact[j] : norm.after;
          for (const out of outs) {
            if (out.endsInWord && isWord(after)) continue;
            if (out.sensitive && !this.caseMatches(out, exact, i)) continue;
            bestEnd = j;
            best = out;
            break;
          }
        }
        if (j >= n) break;
        const unit = folded[j];
        const next = childUnit[node] === unit ? childNode[node] : (childMap[node]?.get(unit) ?? 0);
        if (next === 0) break;
        node = next;
        j++;
      }
      if (best) {
        matches.push({ start: norm.start[i], end: norm.end[bestEnd - 1], termId: best.termId, alias: best.alias });
        i = bestEnd;
      } else {
        i++;
      }
    }
    return matches;
  }

  /**
   * The term covering `offset` (UTF-16, in text), looking only at a bounded window around it inside
   * [from, to): the cost of a hover does not depend on the length of the line or document.
   */
  termAt(text: string, offset: number, from = 0, to = text.length): GlossaryMatch | undefined {
    if (offset < from || offset >= to || offset >= text.length) return undefined;
    const reach = Math.max(256, 4 * this.maxAliasLength);
    let start = Math.max(from, offset - reach);
    // Start scanning after a space when one is near, so the window begins where a full scan would.
    const space = text.lastIndexOf(' ', offset - this.maxAliasLength - 1);
    if (space >= start && space < offset) start = space + 1;
    const end = Math.min(to, offset + reach);
    for (const match of this.findTerms(text, start, end)) {
      if (match.start <= offset && offset < match.end) return match;
      if (match.start > offset) break;
    }
    return undefined;
  }

  private caseMatches(out: Output, exact: Uint16Array, at: number): boolean {
    const sensitive = out.sensitive!;
    for (let k = 0; k < sensitive.length; k++) {
      const index = sensitive[k];
      if (exact[at + index] !== out.exact[index]) return false;
    }
    return true;
  }
}
