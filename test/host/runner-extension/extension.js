// Test-runner extension: when LLMLAB_TEST_RESULTS is set, runs mocha over LLMLAB_TEST_FILES inside the
// real extension host and writes a JSON summary (every failure with its message) to that path.
const fs = require('fs');

function activate() {
  const resultsPath = process.env.LLMLAB_TEST_RESULTS;
  if (!resultsPath) return;
  const files = (process.env.LLMLAB_TEST_FILES || '').split(',').filter(Boolean);
  const logPath = process.env.LLMLAB_TEST_LOG;
  const say = (line) => {
    if (logPath) fs.appendFileSync(logPath, line + '\n');
  };
  // Let the workbench settle so the first test does not race the window's own start-up.
  setTimeout(() => run(files, resultsPath, say), Number(process.env.LLMLAB_TEST_DELAY_MS || 1500));
}

function run(files, resultsPath, say) {
  const results = { passes: 0, failures: 0, pending: 0, tests: [], failuresDetail: [], error: null };
  try {
    const mochaModule = require(process.env.LLMLAB_MOCHA);
    const Mocha = mochaModule.default || mochaModule.Mocha || mochaModule;
    const mocha = new Mocha({ ui: 'bdd', timeout: Number(process.env.LLMLAB_TEST_TIMEOUT_MS || 30000), color: false });
    const grep = process.env.LLMLAB_TEST_GREP;
    if (grep) mocha.grep(grep);
    for (const file of files) mocha.addFile(file);
    const runner = mocha.run(() => {
      fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2));
    });
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
    fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  }
}

module.exports = { activate, deactivate() {} };
