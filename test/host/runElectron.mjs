// npm run test:electron — the "main" integration suite (trusted sample workspace) under @vscode/test-electron,
// for machines that can download VS Code (a developer laptop). The other suites need what only the code-server
// host (runIntegration.mjs, used by npm test and CI) sets up: the test-runner extension (lm: a fake editor model
// through a proposed API; reload: a real window reload between phases), a clean profile with only the .vsix
// (smoke), an untrusted workspace (restricted), the zh-cn display language (zh) and an empty folder (fresh).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { freePort, root } from './hostKit.mjs';

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const dir = join(root, 'test', 'integration');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && !/\.(restricted|zh|reload\d|smoke|lm|fresh)\.test\.ts$/.test(f)).sort();
const outdir = join(root, 'out', 'integration');
await esbuild.build({
  entryPoints: files.map((f) => join(dir, f)),
  outdir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
  external: ['vscode', 'playwright-core', 'mocha', 'axe-core'], logLevel: 'warning',
});
const cdpPort = await freePort();
const code = await runTests({
  version: '1.100.3',
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'test', 'host', 'electronIndex.cjs'),
  launchArgs: [join(root, 'sample-workspace'), '--disable-extensions', `--remote-debugging-port=${cdpPort}`],
  extensionTestsEnv: {
    LLMLAB_TEST_FILES: files.map((f) => join(outdir, f.replace(/\.ts$/, '.js'))).join(','),
    LLMLAB_MOCHA: join(root, 'node_modules', 'mocha'),
    LLMLAB_CDP_PORT: String(cdpPort),
    LLMLAB_REPO_ROOT: root,
  },
}).catch((error) => {
  console.error(error);
  return 1;
});
process.exitCode = code;
