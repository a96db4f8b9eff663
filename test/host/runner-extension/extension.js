// Test-runner extension (tests only, never shipped): when LLMLAB_TEST_RESULTS is set, runs mocha over
// LLMLAB_TEST_FILES inside the real extension host and writes a JSON summary (every failure with its
// message) to that path. Files may come in phases separated by "|": after each phase but the last the
// window reloads (a real "Developer: Reload Window") and the next phase runs in the new extension host.
const fs = require('fs');
const vscode = require('vscode');

function activate() {
  startTests();
  return { registerFakeChatModel };
}

/**
 * Registers a language model in the editor (vscode.lm, proposed API "chatProvider", enabled for this
 * extension only by the test host) so tests can drive LLM Lab's vscode-lm provider end to end.
 * `respond(messages, modelOptions, token, write)` writes the answer; throwing fails the request.
 */
function registerFakeChatModel({ id, name, family, respond }) {
  const calls = [];
  const registration = vscode.lm.registerChatModelProvider(
    id,
    {
      async provideLanguageModelResponse(messages, options, extensionId, progress, token) {
        const plain = messages.map((m) => ({
          role: m.role === vscode.LanguageModelChatMessageRole.User ? 'user' : 'assistant',
          text: m.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join(''),
        }));
        const call = { messages: plain, modelOptions: options?.modelOptions ?? {}, extensionId, cancelled: false };
        calls.push(call);
        token.onCancellationRequested(() => (call.cancelled = true));
        await respond(plain, call.modelOptions, token, (text) => progress.report({ index: 0, part: new vscode.LanguageModelTextPart(text) }));
      },
      async provideTokenCount(text) {
        return Math.ceil((typeof text === 'string' ? text.length : 64) / 4);
      },
    },
    { vendor: 'llmlab-test', name, family, version: '1', maxInputTokens: 8192, maxOutputTokens: 2048, isUserSelectable: true },
  );
  return { calls, dispose: () => registration.dispose() };
}

function startTests() {
  const resultsPath = process.env.LLMLAB_TEST_RESULTS;
  if (!resultsPath) return;
  const phases = (process.env.LLMLAB_TEST_FILES || '').split('|').map((p) => p.split(',').filter(Boolean));
  let phase = 0;
  while (phase < phases.length && fs.existsSync(`${resultsPath}.phase${phase}.json`)) phase++;
  if (phase >= phases.length) return;
  const logPath = process.env.LLMLAB_TEST_LOG;
  const say = (line) => {
    if (logPath) fs.appendFileSync(logPath, line + '\n');
  };
  // The runner activates on onStartupFinished: the workbench has restored its parts and editors by then.
  // Tests that need more (a view, a webview) wait for that state themselves.
  run(phases, phase, resultsPath, say);
}

function merge(resultsPath, upTo, current) {
  const all = { passes: 0, failures: 0, pending: 0, tests: [], failuresDetail: [], error: null };
  const parts = [];
  for (let i = 0; i < upTo; i++) parts.push(JSON.parse(fs.readFileSync(`${resultsPath}.phase${i}.json`, 'utf8')));
  parts.push(current);
  for (const p of parts) {
    all.passes += p.passes;
    all.failures += p.failures;
    all.pending += p.pending;
    all.tests.push(...p.tests);
    all.failuresDetail.push(...p.failuresDetail);
    all.error = all.error || p.error;
  }
  return all;
}

function run(phases, phase, resultsPath, say) {
  const results = { passes: 0, failures: 0, pending: 0, tests: [], failuresDetail: [], error: null };
  const finish = () => {
    if (phase < phases.length - 1) {
      fs.writeFileSync(`${resultsPath}.phase${phase}.json`, JSON.stringify(results, null, 2));
      say(`  … reloading the window for phase ${phase + 2}`);
      setTimeout(() => vscode.commands.executeCommand('workbench.action.reloadWindow'), 300);
    } else {
      fs.writeFileSync(resultsPath, JSON.stringify(merge(resultsPath, phase, results), null, 2));
    }
  };
  try {
    const mochaModule = require(process.env.LLMLAB_MOCHA);
    const Mocha = mochaModule.default || mochaModule.Mocha || mochaModule;
    const mocha = new Mocha({ ui: 'bdd', timeout: Number(process.env.LLMLAB_TEST_TIMEOUT_MS || 30000), color: false });
    const grep = process.env.LLMLAB_TEST_GREP;
    if (grep) mocha.grep(grep);
    for (const file of phases[phase]) mocha.addFile(file);
    const runner = mocha.run(finish);
    runner.on('pass', (test) => {
      results.passes++;
      results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      say(`  ✔ ${test.fullTitle()} (${test.duration} ms)`);
    });
    runner.on('fail', (test, err) => {
      results.failures++;
      const detail = { title: test.fullTitle(), message: String((err && err.message) || err), stack: String((err && err.stack) || '') };
      results.tests.push({ title: test.fullTitle(), state: 'failed' });
      results.failuresDetail.push(detail);
      say(`  ✖ ${test.fullTitle()}: ${detail.message.split('\n')[0]}`);
    });
    runner.on('pending', (test) => {
      results.pending++;
      say(`  - ${test.fullTitle()} (pending)`);
    });
  } catch (error) {
    results.error = String((error && error.stack) || error);
    finish();
  }
}

module.exports = { activate, deactivate() {} };
