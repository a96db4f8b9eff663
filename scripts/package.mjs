// npm run package — production build, then llm-lab.vsix with @vscode/vsce; prints its size and file count.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
const out = join(root, 'llm-lab.vsix');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '-o', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const bytes = statSync(out).size;
console.log(`[package] llm-lab.vsix: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes), ${listing.length} files`);
