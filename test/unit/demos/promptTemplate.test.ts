import assert from 'node:assert/strict';
import { messagesToText, renderPrompt, renderSegments, toMessages, withParts, type PromptTemplate } from '../../../src/demos/promptTemplate';

const cot: PromptTemplate = {
  layout: { exemplarFormat: 'Q: {input}\nA: {output}', queryFormat: 'Q: {query}' },
  parts: {
    exemplars: [{ input: 'Roger has 5 tennis balls.', output: 'The answer is 11.' }],
    query: 'The cafeteria had 23 apples.',
    trigger: 'A:',
  },
};

describe('prompt templates', () => {
  it('template: joins exemplars, query and trigger with the layout separators', () => {
    assert.equal(renderPrompt(cot), 'Q: Roger has 5 tennis balls.\nA: The answer is 11.\n\nQ: The cafeteria had 23 apples.\nA:');
  });

  it('template: segments name every part and concatenate to exactly the prompt text', () => {
    const t: PromptTemplate = { ...cot, parts: { ...cot.parts, instruction: 'Solve.' } };
    const segments = renderSegments(t);
    assert.equal(segments.map((s) => s.text).join(''), renderPrompt(t));
    assert.deepEqual(
      segments.filter((s) => s.kind !== 'separator').map((s) => s.kind),
      ['instruction', 'exemplar', 'query', 'trigger'],
    );
  });

  it('template: braces inside the values are kept literally (one-pass fill)', () => {
    const t: PromptTemplate = { layout: { queryFormat: 'Q: {query}' }, parts: { query: 'What is {input} in {output}?' } };
    assert.equal(renderPrompt(t), 'Q: What is {input} in {output}?');
  });

  it('template: an instruction-only prompt has no dangling separator', () => {
    const t: PromptTemplate = { parts: { instruction: 'Explain the moon landing to a 6 year old in a few sentences.', query: '' } };
    assert.equal(renderPrompt(t), 'Explain the moon landing to a 6 year old in a few sentences.');
    assert.deepEqual(toMessages(t), [{ role: 'user', content: 'Explain the moon landing to a 6 year old in a few sentences.' }]);
  });

  it('messages: single style sends the system part apart and the prompt as one user message', () => {
    const t: PromptTemplate = { ...cot, parts: { ...cot.parts, system: 'Be brief.' } };
    assert.deepEqual(toMessages(t), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: renderPrompt(t) },
    ]);
    assert.equal(messagesToText(toMessages(cot)), renderPrompt(cot));
  });

  it('messages: turns style makes each exemplar a user/assistant pair and the instruction a system message', () => {
    const t: PromptTemplate = { layout: { ...cot.layout, style: 'turns' }, parts: { ...cot.parts, instruction: 'Solve.' } };
    assert.deepEqual(toMessages(t), [
      { role: 'system', content: 'Solve.' },
      { role: 'user', content: 'Q: Roger has 5 tennis balls.' },
      { role: 'assistant', content: 'The answer is 11.' },
      { role: 'user', content: 'Q: The cafeteria had 23 apples.\nA:' },
    ]);
  });

  it('withParts: replaces the query (a selection) without touching the original template', () => {
    const edited = withParts(cot, { query: 'Selected text' });
    assert.equal(renderPrompt(edited), 'Q: Roger has 5 tennis balls.\nA: The answer is 11.\n\nQ: Selected text\nA:');
    assert.equal(cot.parts.query, 'The cafeteria had 23 apples.');
    const noExemplars = withParts(cot, { exemplars: [] });
    assert.equal(renderPrompt(noExemplars), 'Q: The cafeteria had 23 apples.\nA:');
  });
});
