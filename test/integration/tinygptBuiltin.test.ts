import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DemoResult } from '../../src/demos/demoTypes';
import { decodeCheckpoint } from '../../src/tinygpt/checkpoint';
import { PolicySampler } from '../../src/tinygpt/stages/policySampler';
import { activateExtension } from './support/host';

// The shipped pre-trained tiny GPT as the built-in model 'tinygpt': it samples on the extension's sampling
// thread; here the same checkpoint, sampled in the test, says what the stream must have been.
describe('built-in tiny GPT: llmLab.runDemo { provider: builtin, model: tinygpt }', function () {
  this.timeout(180_000);
  let shipped: PolicySampler;

  before(async () => {
    const extension = await activateExtension();
    shipped = new PolicySampler(decodeCheckpoint(readFileSync(join(extension.extensionPath, 'media', 'models', 'tinygpt.bin'))));
  });

  it("tiny GPT builtin: next-token streams the shipped model's continuation token by token, each with its alternatives", async () => {
    const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', { id: 'next-token', provider: 'builtin', model: 'tinygpt', showUi: false });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.provider, 'builtin');
    assert.equal(result.model, 'tinygpt');
    // Sentences from the lecture (the runs' `builtin` prompts), whose next word the tiny GPT learned.
    assert.deepEqual(result.runs.map((r) => [r.label, r.messages?.filter((m) => m.role === 'user').at(-1)?.content, r.expected]), [
      ['What remained was the 570 GB filtered Common', 'What remained was the 570 GB filtered Common', 'Crawl'],
      ["Let's think step by", "Let's think step by", 'step'],
    ]);
    for (const run of result.runs) {
      const prompt = run.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      assert.ok(run.tokens?.[0]?.top.some((alt) => alt.token.trim() === run.expected), `"${run.expected}" among the first token's alternatives: ${JSON.stringify(run.tokens?.[0]?.top)}`);
      assert.equal(run.correct, true, `the continuation of ${JSON.stringify(prompt)} names "${run.expected}": ${JSON.stringify(run.output)}`);
      const expected = shipped.sample(prompt, { temperature: 0, maxTokens: 8 });
      assert.equal(run.output, expected.text, `the continuation of ${JSON.stringify(prompt)}`);
      const tokens = run.tokens ?? [];
      assert.equal(tokens.length, expected.tokens.length, 'one log-probability per streamed token');
      assert.equal(tokens.map((t) => t.token).join(''), run.output, 'the streamed tokens make up the output');
      for (const [i, token] of tokens.entries()) {
        assert.equal(token.top.length, 5, 'the five alternatives the demo asks for');
        assert.equal(token.top[0].token, expected.tokens[i].token, 'greedy: the chosen token leads the alternatives');
        assert.ok(Math.abs(token.logprob - Math.log(expected.tokens[i].p)) < 1e-6);
        assert.ok(token.top.every((alt, k) => alt.logprob <= 0 && (k === 0 || alt.logprob <= token.top[k - 1].logprob)), 'alternatives best first');
      }
    }
  });

  it('tiny GPT builtin: temperature-sampling gives three identical samples at T = 0 and different ones at T = 1.2', async () => {
    const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', { id: 'temperature-sampling', provider: 'builtin', model: 'tinygpt', showUi: false });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.model, 'tinygpt');
    const byTemperature = (t: number): string[] => result.runs.filter((r) => r.temperature === t).map((r) => r.output);
    const greedy = byTemperature(0);
    const hot = byTemperature(1.2);
    assert.equal(greedy.length, 3);
    assert.equal(hot.length, 3);
    assert.ok(greedy.every((o) => o.length > 0 && o === greedy[0]), 'T = 0 repeats itself');
    assert.equal(new Set(hot).size, 3, 'T = 1.2 draws three different continuations');
  });
});
