// The playground renders streamed answers incrementally: a 20,000-token answer costs about what rendering the
// final text once costs (linear), not the sum over every prefix (quadratic, thousands of times more).
// The renderer is fed what the playground page receives: the panel's 30 ms batches (the real UpdateBatcher on
// a simulated clock) of a stream at 100 tokens/s. The token-by-token line (every token rendered on its own,
// as if nothing batched) is reported for reference.
import { UpdateBatcher } from '../src/demos/playgroundSession';
import type { DemoUpdate } from '../src/demos/demoRunner';
import { MarkdownView } from '../src/webview-ui/playground/markdownView';
import { FakeElement, fakeDocument } from '../test/unit/demos/fakeDocument';
import type { BenchResult } from './run';
import { median } from './timing';

/** Word-ish tokens with their leading space, as servers stream them. */
function tokens(text: string): string[] {
  return text.match(/\s*[^\s]+|\s+/g) ?? [];
}

/** A long, realistic answer: headings, paragraphs as single long lines, lists, bold, code, a fenced program. */
export function longAnswer(targetTokens: number): string {
  const paragraph = (i: number): string =>
    `Step ${i}: the cafeteria had **23 apples**, used *20* of them for lunch and bought \`6\` more, so after this step the count is ${23 - 20 + 6} apples; ` +
    `we check the arithmetic again with a second method, adding and subtracting in another order, and the result does not change at all, which is reassuring. `.repeat(2);
  const parts: string[] = [];
  let count = 0;
  for (let i = 1; count < targetTokens; i++) {
    const block =
      i % 9 === 0
        ? `\`\`\`python\ndef solution():\n    apples = 23\n    apples -= 20\n    apples += 6\n    return apples  # ${i}\n\`\`\``
        : i % 5 === 0
          ? `## Part ${i}\n\n- first point with **bold ${i}**\n- second point with [a link](https://arxiv.org/abs/2201.11903)\n- third point`
          : paragraph(i);
    parts.push(block);
    count += tokens(block).length;
  }
  parts.push('The answer is 9.');
  return parts.join('\n\n');
}

/** The text deltas the page receives when `tokens` stream at `perSecond` through the panel's batcher. */
function batchesAt(tokens: readonly string[], perSecond: number): string[] {
  let now = 0;
  let due: { at: number; fn: () => void } | undefined;
  const batches: string[] = [];
  const batcher = new UpdateBatcher(
    (updates: [number, DemoUpdate][]) => batches.push(updates.map(([, u]) => (u.type === 'text' ? u.text : '')).join('')),
    30,
    { setTimeout: (fn, ms) => (due = { at: now + ms, fn }), clearTimeout: () => (due = undefined) },
  );
  tokens.forEach((text, i) => {
    now = (i * 1000) / perSecond;
    if (due && due.at <= now) {
      const { fn } = due;
      due = undefined;
      fn();
    }
    batcher.add(0, { type: 'text', text });
  });
  batcher.flush();
  return batches;
}

function render(deltas: readonly string[]): FakeElement {
  const root = new FakeElement('div');
  const view = new MarkdownView(fakeDocument, root);
  for (const d of deltas) view.push(d);
  view.finish();
  return root;
}

function elapsed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run(): Promise<BenchResult[]> {
  const text = longAnswer(20000);
  const deltas = tokens(text);
  const batches = batchesAt(deltas, 100);
  const whole = [text];
  const reference = render(whole).outerHTML;
  if (render(deltas).outerHTML !== reference || render(batches).outerHTML !== reference) throw new Error('streamed and one-shot rendering differ');
  // Interleaved, best of each: the machines these run on are shared and noisy.
  const piped: number[] = [];
  const single: number[] = [];
  const once: number[] = [];
  for (let i = 0; i < 21; i++) {
    piped.push(elapsed(() => render(batches)));
    single.push(elapsed(() => render(deltas)));
    once.push(elapsed(() => render(whole)));
  }
  const best = (xs: number[]): number => Math.min(...xs);
  const detail = (xs: number[], n: number): string => `${n} pushes, ${best(xs).toFixed(1)} ms (median ${median(xs).toFixed(1)})`;
  const base = `once ${best(once).toFixed(1)} ms (median ${median(once).toFixed(1)}), ${(text.length / 1024).toFixed(0)} KB`;
  return [
    {
      name: 'playground: render a 20,000-token answer as the page receives it (30 ms batches at 100 tokens/s) vs the final text once (linear ≤ 2)',
      ratio: best(piped) / best(once),
      max: 2,
      detail: `${detail(piped, batches.length)} vs ${base}`,
    },
    {
      name: 'playground: the same answer rendered token by token, nothing batched (reference, worst case)',
      ratio: best(single) / best(once),
      detail: `${detail(single, deltas.length)} vs ${base}`,
    },
  ];
}
