// npm run test:electron — the same integration suite under @vscode/test-electron, for machines that can
// download VS Code (a developer laptop). CI uses the code-server host (runIntegration.mjs) instead.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { freePort, root } from './hostKit.mjs';

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const dir = join(root, 'test', 'integration');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && !/\.(restricted|zh)\.test\.ts$/.test(f));
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
