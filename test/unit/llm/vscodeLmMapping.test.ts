import assert from 'node:assert/strict';
import { foldSystemMessages, lmModelOptions, mapLmError, pickModel } from '../../../src/llm/vscodeLm/lmMapping';
import { LlmError } from '../../../src/llm/types';

/** The shape of vscode.LanguageModelError (name 'LanguageModelError', code from its static factories). */
class FakeLanguageModelError extends Error {
  constructor(message: string, readonly code: string, cause?: Error) {
    super(message, { cause });
    this.name = 'LanguageModelError';
  }
}

describe('llm: vscode-lm adapter mapping (pure)', () => {
  it('vscode-lm: LanguageModelError codes map to kinds with a message that says what to do', () => {
    const denied = mapLmError(new FakeLanguageModelError('User did not consent', 'NoPermissions'), 'copilot-gpt-4o');
    assert.equal(denied.kind, 'auth');
    assert.match(denied.message, /has not allowed LLM Lab to use the model copilot-gpt-4o/);
    const blocked = mapLmError(new FakeLanguageModelError('Request blocked', 'Blocked'), 'm');
    assert.equal(blocked.kind, 'rateLimited');
    assert.equal(blocked.details.reason, 'blocked');
    const gone = mapLmError(new FakeLanguageModelError('Model not found', 'NotFound'), 'old-model');
    assert.equal(gone.kind, 'notFound');
    assert.match(gone.message, /old-model/);
  });

  it('vscode-lm: cancellation (token or signal) → cancelled; other errors keep their cause', () => {
    const canceled = new Error('Canceled');
    canceled.name = 'Canceled';
    assert.equal(mapLmError(canceled, 'm').kind, 'cancelled');
    assert.equal(mapLmError(new Error('whatever'), 'm', true).kind, 'cancelled');
    const unknown = mapLmError(new FakeLanguageModelError('Request failed', '', new Error('upstream 502')), 'm');
    assert.equal(unknown.kind, 'server');
    assert.match(unknown.message, /Request failed \(upstream 502\)/);
    const passthrough = new LlmError('timeout', 'x');
    assert.equal(mapLmError(passthrough, 'm'), passthrough);
  });

  it('vscode-lm: system messages are folded into the first user message (the API has no system role)', () => {
    assert.deepEqual(
      foldSystemMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: 'Hi.' },
        { role: 'user', content: 'Q1' },
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'Q2' },
      ]),
      [
        { role: 'assistant', content: 'Hi.' },
        { role: 'user', content: 'Be brief.\n\nAnswer in English.\n\nQ1' },
        { role: 'user', content: 'Q2' },
      ],
    );
    assert.deepEqual(foldSystemMessages([{ role: 'system', content: 'S' }]), [{ role: 'user', content: 'S' }]);
    assert.deepEqual(foldSystemMessages([{ role: 'user', content: 'U' }]), [{ role: 'user', content: 'U' }]);
  });

  it('vscode-lm: a model is picked by id, then family, then name; options use OpenAI names', () => {
    const models = [
      { id: 'copilot-gpt-4o', family: 'gpt-4o', name: 'GPT-4o' },
      { id: 'copilot-claude', family: 'claude-sonnet', name: 'Claude' },
    ];
    assert.equal(pickModel(models, '')?.id, 'copilot-gpt-4o');
    assert.equal(pickModel(models, 'claude-sonnet')?.id, 'copilot-claude');
    assert.equal(pickModel(models, 'Claude')?.id, 'copilot-claude');
    assert.equal(pickModel(models, 'nope'), undefined);
    assert.deepEqual(lmModelOptions({ messages: [], temperature: 0, maxTokens: 10, stop: ['\n'] }), { temperature: 0, max_tokens: 10, stop: ['\n'] });
  });
});
