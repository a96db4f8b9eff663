// npm start — build and package LLM Lab, install it into a local code-server (VS Code 1.100 in the browser),
// serve sample-workspace/ on http://127.0.0.1:8787 (--port N to change) with the walkthrough open.
// Ctrl-C stops everything. code-server is installed on first use into .vscode-test/ (git-ignored).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkSystem, ensureCodeServer, installExtension, root, startCodeServer } from '../test/host/hostKit.mjs';

const argv = process.argv.slice(2);
const portIndex = argv.indexOf('--port');
const port = portIndex >= 0 ? Number(argv[portIndex + 1]) : 8787;
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`--port must be a TCP port number, got ${argv[portIndex + 1]}`);
  process.exit(2);
}

try {
  checkSystem();
} catch (error) {
  console.error(`[start] ${error.message}`);
  process.exit(1);
}
ensureCodeServer();
execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs')], { cwd: root, stdio: 'inherit' });

const dataDir = join(root, '.vscode-test', 'sandbox');
const workspace = join(dataDir, 'workspace');
mkdirSync(dataDir, { recursive: true });
// A copy, so experiments in the sandbox never change the repository's sample files.
if (!existsSync(workspace)) cpSync(join(root, 'sample-workspace'), workspace, { recursive: true });
installExtension(dataDir, join(root, 'llm-lab.vsix'));

const server = await startCodeServer({
  dataDir,
  workspace,
  port,
  settings: { 'workbench.startupEditor': 'readme' },
  env: { LLMLAB_OPEN_WALKTHROUGH: '1' },
});
console.log(`\n  LLM Lab is running in VS Code ${'1.100'} at:\n\n    ${server.url}\n\n  Open it in your browser. The walkthrough opens with the sample workspace. Ctrl-C stops everything.\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping code-server…');
  server.stop();
  setTimeout(() => process.exit(0), 1800);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
