// npm run package      — production build, then llm-lab-<target>.vsix for this machine's platform with only
//                        this platform's llama.cpp CPU engine (@node-llama-cpp/<platform>); prints size and files.
// npm run package:all  — the same for linux-x64, linux-arm64, darwin-arm64, darwin-x64, win32-x64: each
//                        platform's engine package comes from node_modules or `npm pack` (a tarball, nothing
//                        installed); a target whose engine cannot be had is built without it (its `local`
//                        provider then says the engine is not in the package) and reported.
// Flags: --target <vsce target>, --all, --no-engine.
// The .vsix is staged in .package/<target>/: the files .vscodeignore allows, plus, under dist/node_modules/,
// node-llama-cpp's JS (dist/, package.json, llama/binariesGithubRelease.json), its runtime dependencies and
// one engine package.
// CUDA and Vulkan builds (180–360 MB each) never go in.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/** vsce target → the node-llama-cpp CPU engine package for it. */
const ENGINES = {
  'linux-x64': '@node-llama-cpp/linux-x64',
  'linux-arm64': '@node-llama-cpp/linux-arm64',
  'darwin-arm64': '@node-llama-cpp/mac-arm64-metal',
  'darwin-x64': '@node-llama-cpp/mac-x64',
  'win32-x64': '@node-llama-cpp/win-x64',
};
const hostTarget = `${process.platform}-${process.arch}`;
const targets = flag('--all') ? Object.keys(ENGINES) : [option('--target') ?? hostTarget];
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const engineVersion = pkg.dependencies['node-llama-cpp'];

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });

/** node-llama-cpp's runtime dependency closure (package dirs), as npm laid it out. */
function closure(name, from, seen = new Map()) {
  let dir = from;
  let found;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      found = candidate;
      break;
    }
    const up = dirname(dir);
    if (up === dir) return seen;
    dir = up;
  }
  if (seen.has(found)) return seen;
  const manifest = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8'));
  seen.set(found, manifest.name);
  for (const dep of Object.keys(manifest.dependencies ?? {})) closure(dep, found, seen);
  return seen;
}

/** The engine package directory for a target: from node_modules, else unpacked from `npm pack`. */
function enginePackage(target) {
  const name = ENGINES[target];
  if (!name) return undefined;
  const local = join(root, 'node_modules', name);
  if (existsSync(join(local, 'package.json'))) return local;
  const cache = join(root, '.package', 'cache', name.replace('/', '+'));
  if (!existsSync(join(cache, 'package', 'package.json'))) {
    mkdirSync(cache, { recursive: true });
    try {
      const tgz = execFileSync('npm', ['pack', `${name}@${engineVersion}`, '--silent'], { cwd: cache, encoding: 'utf8' }).trim().split('\n').pop();
      execFileSync('tar', ['-xzf', tgz], { cwd: cache });
      rmSync(join(cache, tgz));
    } catch (error) {
      console.warn(`[package] ${target}: could not fetch ${name}@${engineVersion}: ${String(error.message).split('\n')[0]}`);
      return undefined;
    }
  }
  return join(cache, 'package');
}

function sizeOf(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return bytes;
}

const allowed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
const report = [];
for (const target of targets) {
  const stage = join(root, '.package', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const file of allowed) cpSync(join(root, file), join(stage, file), { recursive: true });
  // The staged tree is the package: nothing in it is ignored.
  writeFileSync(join(stage, '.vscodeignore'), '.vscodeignore\n**/*.map\n**/*.ts\n**/*.mts\n**/*.cts\n');

  const engine = flag('--no-engine') ? undefined : enginePackage(target);
  if (engine) {
    const llamaCpp = join(root, 'node_modules', 'node-llama-cpp');
    for (const [dir] of closure('node-llama-cpp', root)) {
      // Under dist/: vsce leaves out only the top-level node_modules/, and dist/localEngine.mjs resolves from here.
      const to = join(stage, 'dist', relative(root, dir));
      if (dir === llamaCpp) {
        // Only what runs: the compiled JS and the release pin (not the llama.cpp sources, 34 MB).
        mkdirSync(join(to, 'llama'), { recursive: true });
        cpSync(join(dir, 'package.json'), join(to, 'package.json'));
        cpSync(join(dir, 'dist'), join(to, 'dist'), { recursive: true, filter: (f) => !/\.(d\.ts|map)$/.test(f) });
        cpSync(join(dir, 'llama', 'binariesGithubRelease.json'), join(to, 'llama', 'binariesGithubRelease.json'));
        cpSync(join(dir, 'LICENSE'), join(to, 'LICENSE'));
      } else {
        cpSync(dir, to, { recursive: true, filter: (f) => !/[\\/]node_modules$/.test(f) || f === dir });
      }
    }
    cpSync(engine, join(stage, 'dist', 'node_modules', ENGINES[target]), { recursive: true });
  }
  const out = join(root, `llm-lab-${target}.vsix`);
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '-o', out], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: stage, encoding: 'utf8' }).split('\n').filter(Boolean).length;
  const bytes = statSync(out).size;
  report.push({ target, engine: engine ? ENGINES[target] : 'none', mb: (bytes / 1024 / 1024).toFixed(2), files, stagedMb: (sizeOf(stage) / 1024 / 1024).toFixed(1) });
  console.log(`[package] ${relative(root, out)}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes), ${files} files, engine: ${engine ? ENGINES[target] : 'none'}`);
}
// The budgets read llm-lab.vsix: the host platform's package.
const host = report.find((r) => r.target === hostTarget);
if (host) cpSync(join(root, `llm-lab-${hostTarget}.vsix`), join(root, 'llm-lab.vsix'));
if (report.length > 1) console.table(report);
