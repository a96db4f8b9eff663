// npm test — every suite, then one totals line that CI reads: "N passed, N failed".
// 1. unit tests: mocha in plain Node (no vscode); 2. integration tests inside a real VS Code (test/host).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const passthrough = process.argv.slice(2);

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function count(output, word) {
  const matches = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
  return matches.length ? Number(matches[matches.length - 1][1]) : 0;
}

const totals = { passed: 0, failed: 0 };

console.log('\n=== unit tests (mocha, plain Node) ===');
const unit = await run(process.execPath, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')]);
const unitPassed = count(unit.output, 'passing');
const unitFailed = count(unit.output, 'failing') + count(unit.output, 'pending');
totals.passed += unitPassed;
totals.failed += unitFailed + (unit.code !== 0 && unitFailed === 0 ? 1 : 0);

console.log('\n=== integration tests (real VS Code 1.100: code-server + headless Chromium) ===');
const resultsFile = join(root, 'test-results', 'integration.json');
rmSync(resultsFile, { force: true });
const integration = await run(process.execPath, [join(root, 'test', 'host', 'runIntegration.mjs'), ...passthrough]);
let intPassed = 0;
let intFailed = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  intPassed = results.passes;
  intFailed = results.failures + results.pending;
}
if (integration.code !== 0 && intFailed === 0) intFailed = 1;
totals.passed += intPassed;
totals.failed += intFailed;

console.log('\n=== budgets (size, contents, laziness, activation time) ===');
const budgets = await run(process.execPath, [join(root, 'scripts', 'budgets.mjs')]);
const budgetPassed = count(budgets.output, 'passing');
const budgetFailed = count(budgets.output, 'failing') + (budgets.code !== 0 && count(budgets.output, 'failing') === 0 ? 1 : 0);
totals.passed += budgetPassed;
totals.failed += budgetFailed;

console.log(`\nunit: ${unitPassed} passed, ${unitFailed} failed; integration: ${intPassed} passed, ${intFailed} failed; budgets: ${budgetPassed} passed, ${budgetFailed} failed`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
