// The playground renders streamed answers incrementally: a 20,000-token answer fed token by token costs
// about what rendering the final text once costs (linear), not the sum over every prefix (quadratic).
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
  const whole = [text];
  if (render(deltas).outerHTML !== render(whole).outerHTML) throw new Error('streamed and one-shot rendering differ');
  // Interleaved pairs, best of each: the machines these run on are shared and noisy.
  const streamed: number[] = [];
  const once: number[] = [];
  for (let i = 0; i < 15; i++) {
    streamed.push(elapsed(() => render(deltas)));
    once.push(elapsed(() => render(whole)));
  }
  const best = (xs: number[]): number => Math.min(...xs);
  return [
    {
      name: 'playground: render a 20,000-token answer streamed token by token vs the final text once (linear ≤ 2)',
      ratio: best(streamed) / best(once),
      max: 2,
      detail: `${deltas.length} deltas, ${(text.length / 1024).toFixed(0)} KB: streamed ${best(streamed).toFixed(1)} ms (median ${median(streamed).toFixed(1)}) vs once ${best(once).toFixed(1)} ms (median ${median(once).toFixed(1)})`,
    },
  ];
}
