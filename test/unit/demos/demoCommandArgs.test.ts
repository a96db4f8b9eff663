import assert from 'node:assert/strict';
import { join } from 'node:path';
import { demoIdOf, isMostlyChinese, parseRunDemoArg, promptFileText, selectionDefinition, selectionRun } from '../../../src/demos/demoCommandArgs';
import { getDemo, loadDemos } from '../../../src/demos/demoLoader';
import { definitionFromPromptFile, hasErrors, parsePromptFile } from '../../../src/demos/promptFile';
import { renderPrompt, toMessages } from '../../../src/demos/promptTemplate';

const catalog = loadDemos(join(__dirname, '..', '..', '..', 'media'));

describe('demo command arguments', () => {
  it('runDemo: no argument picks; an id or {id, …} runs with the UI unless showUi is false', () => {
    assert.deepEqual(parseRunDemoArg(undefined), { kind: 'pick' });
    assert.deepEqual(parseRunDemoArg('pal'), { kind: 'run', request: { id: 'pal', showUi: true } });
    assert.deepEqual(parseRunDemoArg({ id: 'self-consistency', model: ' qwen2.5 ', provider: 'ollama', temperature: 0.5, samples: 7, showUi: false }), {
      kind: 'run',
      request: { id: 'self-consistency', model: 'qwen2.5', provider: 'ollama', temperature: 0.5, samples: 7, showUi: false },
    });
    // A tree item carries its id too.
    assert.deepEqual(parseRunDemoArg({ kind: 'demo', id: 'next-token', title: 'x' }), { kind: 'run', request: { id: 'next-token', showUi: true } });
    assert.deepEqual(parseRunDemoArg({ id: 'next-token', provider: 'builtin' }), { kind: 'run', request: { id: 'next-token', provider: 'builtin', showUi: true } });
  });

  it('runDemo: wrong types are invalid with a message, never a throw', () => {
    for (const arg of [42, [], { id: 3 }, { id: 'pal', provider: 'openai' }, { id: 'pal', temperature: '1' }, { id: 'pal', showUi: 'no' }, { id: 'pal', model: 5 }]) {
      const parsed = parseRunDemoArg(arg);
      assert.equal(parsed.kind, 'invalid', JSON.stringify(arg));
      assert.ok(parsed.kind === 'invalid' && parsed.message.length > 5);
    }
    assert.equal(demoIdOf({ id: 'zero-shot' }), 'zero-shot');
    assert.equal(demoIdOf(7), undefined);
  });

  it('selection: translation goes ZH→EN for Chinese text and EN→ZH otherwise', () => {
    assert.equal(isMostlyChinese('思维链让模型一步一步地推理。'), true);
    assert.equal(isMostlyChinese('Chain of thought, 思维链, helps large models reason step by step.'), false);
    assert.deepEqual(selectionRun('translate', '今天天气很好'), { demoId: 'one-shot-translation', runId: 'zh-to-en' });
    assert.deepEqual(selectionRun('translate', 'The weather is nice today'), { demoId: 'one-shot-translation', runId: 'en-to-zh' });
    assert.deepEqual(selectionRun('summarize', 'x'), { demoId: 'tldr-summary', runId: 'tldr' });
    assert.deepEqual(selectionRun('explain', 'x'), { demoId: 'zero-shot-cot', runId: 'explain' });
  });

  it('selection: the selection becomes the query of the one run the command uses, keeping the exemplar and trigger', () => {
    for (const lang of ['en', 'zh-cn'] as const) {
      for (const action of ['summarize', 'translate', 'explain'] as const) {
        const text = lang === 'en' ? 'Attention lets every token look at every other token.' : '注意力让每个词元看到其他所有词元。';
        const { demoId, runId } = selectionRun(action, text);
        const def = selectionDefinition(getDemo(catalog, demoId, lang)!, runId, `  ${text}\n`, 'T');
        assert.ok(def, `${lang} ${action}`);
        assert.equal(def.runs.length, 1);
        assert.equal(def.runs[0].expected, undefined);
        const prompt = toMessages(def.runs[0].template).at(-1)!.content;
        assert.ok(prompt.includes(text), prompt);
        if (action === 'translate') {
          // English text goes English → Chinese (exemplar "sea otter" → "海獭"), Chinese text the other way.
          assert.equal(runId, lang === 'en' ? 'en-to-zh' : 'zh-to-en');
          const [from, to] = lang === 'en' ? ['sea otter', '海獭'] : ['海獭', 'sea otter'];
          assert.ok(prompt.includes(from) && prompt.indexOf(from) < prompt.indexOf(to), `${lang}: expected the exemplar ${from} → ${to}: ${prompt}`);
          assert.match(prompt, lang === 'en' ? /Translate English to Chinese/ : /将中文翻译成英文/);
        }
      }
    }
    assert.equal(selectionDefinition(getDemo(catalog, 'tldr-summary', 'en')!, 'nope', 'x', 'T'), undefined);
    // The selection is sent as it is, also to the built-in models (no lecture sentence in its place).
    const next = getDemo(catalog, 'next-token', 'en')!;
    assert.ok(next.runs[0].builtin);
    assert.equal(selectionDefinition(next, next.runs[0].id, 'Fly me to the', 'T')!.runs[0].builtin, undefined);
  });

  it('prompt file from a demo: parses back without problems and gives the demo’s exact prompt', () => {
    for (const id of catalog.ids) {
      const def = getDemo(catalog, id, 'en')!;
      const text = promptFileText(def);
      const parsed = parsePromptFile(text);
      assert.equal(hasErrors(parsed), false, `${id}: ${JSON.stringify(parsed.diagnostics)}`);
      const run = def.runs[0];
      assert.equal(parsed.body.trim(), renderPrompt(run.template).trim(), id);
      assert.equal(parsed.options.temperature, run.options?.temperature ?? def.options.temperature, id);
      assert.equal(parsed.options.system, run.template.parts.system, id);
      const again = definitionFromPromptFile(parsed, { title: 'x', lang: 'en', temperature: 0.7 });
      assert.equal(again.options.samples, def.options.samples, id);
    }
    const pal = promptFileText(getDemo(catalog, 'pal', 'en')!, undefined, 'javascript');
    assert.match(pal, /JavaScript/);
  });
});
