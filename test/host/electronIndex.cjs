// Entry for @vscode/test-electron: runs mocha over the compiled integration tests.
exports.run = function run() {
  const mochaModule = require(process.env.LLMLAB_MOCHA);
  const Mocha = mochaModule.default || mochaModule;
  const mocha = new Mocha({ ui: 'bdd', timeout: 30000, color: true });
  for (const file of (process.env.LLMLAB_TEST_FILES || '').split(',').filter(Boolean)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
};
