import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { CodeExecutionSetting } from '../core/config';
import { t } from '../core/l10n';
import type { CodeLanguage, CodeRefusal, SandboxResult } from './demoTypes';
import type { CodeExecutor } from './demoRunner';

/**
 * Runs model-written programs (PAL) in a separate process: no network, no file writes, no child
 * processes, a time limit, a memory cap and an output cap; killed on cancel; cwd a fresh temp dir
 * removed afterwards. Python (`-I -S`, a prelude that removes sockets, subprocesses and `open`, plus
 * rlimits: address space, file size 0, no new processes, CPU) if present, else Node with the
 * permission model (no fs writes, no child processes, no workers, reads only of the program) and a
 * prelude that removes the network modules and fetch.
 * Defence in depth for a teaching tool, not a hardened jail: it runs only with the reader's consent.
 */

export interface CodeRuntime {
  language: CodeLanguage;
  command: string;
  /** Interpreter flags before the script path. */
  flags: string[];
  env: Record<string, string>;
}

export interface SandboxOptions {
  /** Default 5000. */
  timeLimitMs?: number;
  /** stdout + stderr; default 64 KiB. */
  outputLimitBytes?: number;
  /** Default 256. */
  memoryLimitMb?: number;
  signal?: AbortSignal;
  /** Skip detection (tests, or a runtime the adapter already found). */
  runtime?: CodeRuntime;
}

export const SANDBOX_DEFAULTS = { timeLimitMs: 5000, outputLimitBytes: 64 * 1024, memoryLimitMb: 256 } as const;

/** The consent policy of `llmLab.codeExecution`; an untrusted workspace never runs code. */
export function decideExecution(setting: CodeExecutionSetting, trusted: boolean): 'ask' | 'run' | 'refuse' {
  if (!trusted || setting === 'never') return 'refuse';
  return setting === 'always' ? 'run' : 'ask';
}

export function refusal(reason: CodeRefusal['reason']): CodeRefusal {
  const message = {
    untrusted: t('The program was not run: this workspace is not trusted. Trust the workspace to run generated code.'),
    setting: t('The program was not run: running generated code is turned off (setting llmLab.codeExecution).'),
    declined: t('The program was not run: you chose not to run it.'),
    unavailable: t('The program was not run: neither Python 3 nor a Node.js with the permission model was found.'),
  }[reason];
  return { status: 'refused', reason, message };
}

/**
 * The executor the runner calls for PAL: consent per `llmLab.codeExecution` and workspace trust
 * (read on each call), then the sandbox. `ask` shows the program and resolves true to run it.
 */
export function createCodeExecutor(policy: {
  setting: () => CodeExecutionSetting;
  trusted: () => boolean;
  /** Asks the reader; `signal` aborts when the demo is cancelled (a queued question is then never shown). */
  ask: (request: Parameters<CodeExecutor>[0], signal?: AbortSignal) => Promise<boolean>;
  sandbox?: Omit<SandboxOptions, 'signal'>;
}): CodeExecutor {
  return async (request, signal) => {
    const trusted = policy.trusted();
    const decision = decideExecution(policy.setting(), trusted);
    if (decision === 'refuse') return refusal(trusted ? 'setting' : 'untrusted');
    if (decision === 'ask') {
      const yes = await policy.ask(request, signal);
      // Cancelled while the question was open: whatever the answer, nothing runs.
      if (signal?.aborted) return result(request.language, { cancelled: true });
      if (!yes) return refusal('declined');
    }
    const runtime = policy.sandbox?.runtime ?? (await detectRuntime(request.language));
    if (!runtime) return refusal('unavailable');
    return runInSandbox(request.program, request.language, { ...policy.sandbox, runtime, signal });
  };
}

const PY_PRELUDE = String.raw`import sys, builtins, io, os
_main, _mem, _cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    import resource
    for _lim, _val in ((resource.RLIMIT_AS, _mem), (resource.RLIMIT_FSIZE, 0), (resource.RLIMIT_CORE, 0),
                       (resource.RLIMIT_NPROC, 0), (resource.RLIMIT_CPU, _cpu)):
        try:
            resource.setrlimit(_lim, (_val, _val))
        except (ValueError, OSError):
            pass
except ImportError:
    pass
with open(_main, encoding='utf-8') as _f:
    _source = _f.read()
import traceback as _traceback
def _deny(*args, **kwargs):
    raise PermissionError('LLM Lab sandbox: not allowed here (no network, files or processes)')
for _name in ('socket', '_socket', 'ssl', '_ssl', 'select', 'selectors', 'subprocess', '_posixsubprocess',
              'multiprocessing', '_multiprocessing', 'ctypes', '_ctypes', 'asyncio', 'urllib.request', 'http.client',
              'ftplib', 'smtplib', 'poplib', 'imaplib', 'telnetlib', 'socketserver', 'xmlrpc.client', 'pty', 'mmap',
              'resource'):
    sys.modules[_name] = None
builtins.open = io.open = _deny
import _io
# _io.open stays: the import system opens module sources through it (read-only).
io.FileIO = _io.FileIO = _deny
for _mod in (os, sys.modules.get('posix'), sys.modules.get('nt')):
    if _mod is None:
        continue
    for _fn in ('system', 'popen', 'fork', 'forkpty', 'execv', 'execve', 'execl', 'execle', 'execlp', 'execlpe',
                'execvp', 'execvpe', 'spawnv', 'spawnve', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnvp',
                'spawnvpe', 'posix_spawn', 'posix_spawnp', 'kill', 'killpg', 'remove', 'unlink', 'rmdir', 'removedirs',
                'rename', 'renames', 'replace', 'mkdir', 'makedirs', 'mkfifo', 'mknod', 'open', 'openpty', 'truncate',
                'ftruncate', 'chmod', 'chown', 'lchown', 'link', 'symlink', 'putenv', 'unsetenv', 'chdir', 'chroot',
                'sendfile', 'startfile', 'setuid', 'setgid', 'utime', 'fdopen'):
        if hasattr(_mod, _fn):
            setattr(_mod, _fn, _deny)
_code = compile(_source, 'solution.py', 'exec')
_globals = {'__name__': '__main__', '__builtins__': builtins}
try:
    exec(_code, _globals)
except SystemExit:
    raise
except BaseException as _error:
    _traceback.print_exception(type(_error), _error, _error.__traceback__.tb_next)
    sys.exit(1)
`;

// One line, so the program's own line numbers are unchanged (it follows on the same line).
const JS_PRELUDE =
  `(()=>{const M=require('module');const B=new Set(['net','http','https','http2','tls','dgram','dns','child_process','cluster','worker_threads','inspector','repl','v8','wasi','trace_events']);` +
  `const deny=(n)=>{const e=new Error('LLM Lab sandbox: module "'+n+'" is not allowed here (no network, files or processes)');e.code='ERR_ACCESS_DENIED';throw e;};` +
  `const bad=(r)=>{const n=String(r).replace(/^node:/,'');return B.has(n.split('/')[0])?n:undefined;};` +
  `const load=M._load;M._load=function(r,...a){const n=bad(r);if(n)deny(n);return load.call(this,r,...a);};` +
  `if(typeof process.getBuiltinModule==='function'){const g=process.getBuiltinModule;process.getBuiltinModule=function(r){const n=bad(r);if(n)deny(n);return g.call(process,r);};}` +
  `for(const k of ['fetch','WebSocket','EventSource','XMLHttpRequest']){try{Object.defineProperty(globalThis,k,{value:undefined,writable:false,configurable:false});}catch{}}` +
  `})();`;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 8000, windowsHide: true }, (error, stdout) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((error as unknown as { code: number }).code) : null) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

/** Finds an executable on PATH (spawn with an empty env would not search the user's PATH). */
export function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD').split(';') : [''];
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext.toLowerCase());
      if (existsSync(candidate)) return candidate;
      const upper = join(dir, name + ext);
      if (existsSync(upper)) return upper;
    }
  }
  return undefined;
}

function baseEnv(): Record<string, string> {
  // Windows programs need SystemRoot to start; nothing else is passed on.
  return process.platform === 'win32' && process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {};
}

async function detectPython(): Promise<CodeRuntime | undefined> {
  const candidates: [string, string[]][] = process.platform === 'win32' ? [['py', ['-3']], ['python', []], ['python3', []]] : [['python3', []], ['python', []]];
  for (const [name, pre] of candidates) {
    const exe = findOnPath(name);
    if (!exe) continue;
    // Resolve the real interpreter (pyenv/asdf shims need env vars the sandbox does not pass).
    const probe = await run(exe, [...pre, '-I', '-S', '-c', 'import sys; print(sys.executable); print(sys.version_info[0])'], process.env);
    const [executable, major] = probe.stdout.trim().split(/\r?\n/);
    if (probe.code === 0 && major === '3' && executable && existsSync(executable)) {
      return { language: 'python', command: executable, flags: ['-I', '-S', '-B', '-u', '-X', 'utf8'], env: baseEnv() };
    }
  }
  return undefined;
}

async function detectNode(): Promise<CodeRuntime | undefined> {
  const candidates: { command: string; env: Record<string, string> }[] = [];
  const onPath = findOnPath('node');
  if (onPath) candidates.push({ command: onPath, env: baseEnv() });
  // Inside VS Code the extension host's own binary can act as Node.
  if (process.versions.electron) candidates.push({ command: process.execPath, env: { ...baseEnv(), ELECTRON_RUN_AS_NODE: '1' } });
  else if (!onPath) candidates.push({ command: process.execPath, env: baseEnv() });
  const check = "process.exit(process.permission && !process.permission.has('fs.write') && !process.permission.has('child') ? 0 : 3)";
  for (const candidate of candidates) {
    for (const flag of ['--permission', '--experimental-permission']) {
      const probe = await run(candidate.command, [flag, '--no-warnings', '--disallow-code-generation-from-strings', '-e', check], candidate.env);
      if (probe.code === 0) {
        return { language: 'javascript', command: candidate.command, flags: [flag, '--no-warnings', '--disallow-code-generation-from-strings'], env: candidate.env };
      }
    }
  }
  // No permission model, no sandbox: refuse rather than run unconfined.
  return undefined;
}

const detected = new Map<CodeLanguage, Promise<CodeRuntime | undefined>>();

export function detectRuntime(language: CodeLanguage): Promise<CodeRuntime | undefined> {
  let found = detected.get(language);
  if (!found) {
    found = language === 'python' ? detectPython() : detectNode();
    detected.set(language, found);
  }
  return found;
}

/** Python if present, else JavaScript; undefined when neither can be sandboxed. */
export async function detectCodeLanguage(): Promise<CodeLanguage | undefined> {
  if (await detectRuntime('python')) return 'python';
  if (await detectRuntime('javascript')) return 'javascript';
  return undefined;
}

function result(language: CodeLanguage, partial: Partial<SandboxResult>): SandboxResult {
  return { ok: false, stdout: '', stderr: '', exitCode: null, timedOut: false, killedForOutput: false, cancelled: false, durationMs: 0, language, ...partial };
}

/** Runs `code`; never throws. */
export async function runInSandbox(code: string, language: CodeLanguage, options: SandboxOptions = {}): Promise<SandboxResult> {
  const timeLimitMs = options.timeLimitMs ?? SANDBOX_DEFAULTS.timeLimitMs;
  const outputLimit = options.outputLimitBytes ?? SANDBOX_DEFAULTS.outputLimitBytes;
  const memoryMb = options.memoryLimitMb ?? SANDBOX_DEFAULTS.memoryLimitMb;
  if (options.signal?.aborted) return result(language, { cancelled: true });
  const runtime = options.runtime ?? (await detectRuntime(language));
  if (!runtime) {
    return result(language, {
      stderr: language === 'python' ? t('Python 3 was not found.') : t('No Node.js with the permission model (--permission) was found, so the program cannot be sandboxed.'),
    });
  }
  if (options.signal?.aborted) return result(language, { cancelled: true });

  let dir: string;
  try {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'llmlab-run-')));
  } catch (err) {
    return result(language, { stderr: t('Could not create a temporary folder: {0}', (err as Error).message) });
  }
  try {
    let args: string[];
    if (runtime.language === 'python') {
      const prelude = join(dir, 'prelude.py');
      const main = join(dir, 'main.py');
      writeFileSync(prelude, PY_PRELUDE);
      writeFileSync(main, code);
      const cpuSeconds = Math.max(1, Math.ceil(timeLimitMs / 1000) + 1);
      args = [...runtime.flags, prelude, main, String(memoryMb * 1024 * 1024), String(cpuSeconds)];
    } else {
      const main = join(dir, 'main.js');
      writeFileSync(main, JS_PRELUDE + code);
      args = [...runtime.flags, `--allow-fs-read=${main}`, `--max-old-space-size=${memoryMb}`, main];
    }
    return await execute(runtime, args, dir, { timeLimitMs, outputLimit, signal: options.signal });
  } finally {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: the OS cleans its temp folder
    }
  }
}

function execute(
  runtime: CodeRuntime,
  args: string[],
  cwd: string,
  limits: { timeLimitMs: number; outputLimit: number; signal?: AbortSignal },
): Promise<SandboxResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    let killedForOutput = false;
    let cancelled = false;
    let settled = false;
    const child = spawn(runtime.command, args, { cwd, env: runtime.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const kill = (): void => {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limits.timeLimitMs);
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (killedForOutput) return;
      const room = limits.outputLimit - bytes;
      if (chunk.length > room) {
        into.push(chunk.subarray(0, Math.max(0, room)));
        bytes = limits.outputLimit;
        killedForOutput = true;
        kill();
        child.stdout?.destroy();
        child.stderr?.destroy();
        return;
      }
      into.push(chunk);
      bytes += chunk.length;
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    const finish = (exitCode: number | null, spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      const stderr = Buffer.concat(err).toString('utf8') + (spawnError ? spawnError.message : '');
      resolve({
        ok: exitCode === 0 && !timedOut && !killedForOutput && !cancelled && !spawnError,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        exitCode,
        timedOut,
        killedForOutput,
        cancelled,
        durationMs: Math.round(performance.now() - started),
        language: runtime.language,
      });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}
