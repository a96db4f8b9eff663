/**
 * One run of a model-written program, inside a Web Worker of the sandbox webview.
 *
 * Why here: an interpreter compiled to WebAssembly can make no system call its host does not hand it,
 * but Pyodide is not a sandbox by itself — Python reaches the JavaScript realm it runs in (`import js`,
 * `pyodide.code.run_js`, `constructor.constructor` of any proxied object). So the realm must have no
 * authority either. A Web Worker in a webview is such a realm: Chromium's renderer sandbox (no files,
 * no processes, no signals to anyone), the page's Content-Security-Policy (`connect-src 'none'`: no
 * fetch, XHR or WebSocket to any address; no `'unsafe-eval'`: no code from strings), no Node.js, and
 * `terminate()` ends it at once whatever it is doing. A Node child process was the alternative; its
 * permission model does not cover the network or signals (Node 20), and relies on the OS for the rest.
 *
 * Inside the worker, before anything else runs: the global is stripped of every I/O, storage, messaging
 * and code-loading API (below), the one channel out is a captured `postMessage` used for program output
 * only, Python's `js` module is an empty object and `pyodide_js` is unregistered, and the WebAssembly
 * memory maximum was lowered in the binary by the extension (wasmMemoryLimit.ts).
 * The worker is used for exactly one program and then terminated: nothing persists between runs.
 */
import { loadPyodide } from 'pyodide';
// The Emscripten module is bundled in, so nothing is imported or fetched at run time.
// @ts-expect-error -- pyodide.asm.mjs ships without type declarations
import createPyodideModule from 'pyodide/pyodide.asm.mjs';
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync';
import type { FromSandboxWorker, RuntimeFiles, SandboxLimits, ToSandboxWorker } from '../../sandbox/sandboxMessages';

type Scope = typeof globalThis & Record<string, unknown>;
const scope = self as unknown as Scope;

// Captured before the global is stripped: the only ways in and out.
const post: (message: FromSandboxWorker) => void = scope.postMessage.bind(scope) as (m: FromSandboxWorker) => void;
const listen = scope.addEventListener.bind(scope) as (type: 'message', fn: (event: MessageEvent<ToSandboxWorker>) => void) => void;

/** Every API of a worker global that reaches outside the worker, stores data, or loads or starts code. */
export const STRIPPED_GLOBALS = [
  'fetch', 'XMLHttpRequest', 'WebSocket', 'WebSocketStream', 'WebTransport', 'EventSource', 'importScripts',
  'indexedDB', 'IDBFactory', 'caches', 'CacheStorage', 'BroadcastChannel', 'Worker', 'SharedWorker', 'navigator',
  'Request', 'Response', 'Headers', 'FileReader', 'FileReaderSync', 'FileSystemHandle', 'StorageManager', 'Notification',
  'postMessage', 'close', 'MessageChannel', 'MessagePort', 'ServiceWorker', 'Lock', 'LockManager', 'WebTransportError',
  'RTCPeerConnection', 'RTCDataChannel', 'PushManager', 'BackgroundFetchManager', 'CookieStore', 'OffscreenCanvas',
  'createImageBitmap', 'reportError', 'onmessage', 'onmessageerror', 'addEventListener', 'removeEventListener',
  'dispatchEvent',
] as const;

function strip(names: readonly string[]): void {
  for (const name of names) {
    // The property may be the global's own or sit on a prototype of it (WorkerGlobalScope, EventTarget).
    for (let o: object | null = scope; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
      try {
        delete (o as Record<string, unknown>)[name];
      } catch {
        // non-configurable: shadowed below
      }
    }
    try {
      Object.defineProperty(scope, name, { value: undefined, writable: false, configurable: false, enumerable: false });
    } catch {
      // already non-configurable (then deleting failed too, and the shadowing is all we can do)
    }
  }
  // Blob URLs are how a worker would make new code or workers from strings.
  try {
    Object.defineProperty(URL, 'createObjectURL', { value: undefined, writable: false, configurable: false });
  } catch {
    // keep going: Worker is gone anyway
  }
}

// Load-time files only: the interpreter "fetches" its wasm and standard library from here.
let servedFiles: Record<string, Uint8Array> = {};
const NativeResponse = scope.Response;
const fakeFetch = async (input: unknown): Promise<Response> => {
  const name = String(input instanceof URL ? input.href : input).split('/').pop() ?? '';
  const bytes = servedFiles[name];
  if (!bytes) throw new TypeError(`sandbox: no file ${name}`);
  return new NativeResponse(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': name.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } });
};

// Everything but the loader's fetch goes now; the fake fetch and Response go once the interpreter is up.
strip(STRIPPED_GLOBALS.filter((n) => n !== 'fetch' && n !== 'Response'));
Object.defineProperty(scope, 'fetch', { value: fakeFetch, writable: true, configurable: true });

const encoder = new TextEncoder();
let limits: SandboxLimits | undefined;
let written = 0;
let stopped = false;

function emit(stream: 'stdout' | 'stderr', text: string): void {
  if (stopped || !limits) return;
  const bytes = encoder.encode(text).length;
  if (written + bytes > limits.outputLimitBytes) {
    const room = Math.max(0, limits.outputLimitBytes - written);
    if (room > 0) post({ type: 'output', stream, text: text.slice(0, room) });
    written = limits.outputLimitBytes;
    stopped = true;
    post({ type: 'outputLimit' });
    return;
  }
  written += bytes;
  post({ type: 'output', stream, text });
}

interface Runner {
  run(program: string): boolean;
}

// Memory: the module's own maximum, lowered in the binary by the extension (wasmMemoryLimit.ts).
async function loadPython(files: NonNullable<RuntimeFiles['python']>): Promise<Runner> {
  servedFiles = { 'pyodide.asm.wasm': files.wasm, 'python_stdlib.zip': files.stdlib };
  const jsglobals = Object.create(null) as object;
  const pyodide = await loadPyodide({
    indexURL: 'https://sandbox.invalid/',
    createPyodideModule,
    lockFileContents: files.lock,
    jsglobals,
    checkAPIVersion: false,
    env: { HOME: '/home/pyodide' },
    stdout: (line: string) => emit('stdout', line + '\n'),
    stderr: (line: string) => emit('stderr', line + '\n'),
  });
  servedFiles = {};
  pyodide.setStdin({ error: true });
  for (const name of ['js', 'pyodide_js']) {
    try {
      pyodide.unregisterJsModule(name);
    } catch {
      // not registered
    }
  }
  pyodide.runPython("import sys\nfor _m in ('js', 'pyodide_js'):\n    sys.modules.pop(_m, None)\ndel _m, sys\n");
  return {
    run(program: string): boolean {
      try {
        pyodide.runPython(program, { filename: 'solution.py' });
        return true;
      } catch (error) {
        const message = (error as { message?: unknown }).message;
        emit('stderr', typeof message === 'string' ? message : String(error));
        return false;
      }
    },
  };
}

async function loadJavaScript(files: NonNullable<RuntimeFiles['javascript']>, memoryLimitBytes: number): Promise<Runner> {
  const wasm = files.wasm;
  const quickjs = await newQuickJSWASMModuleFromVariant(
    newVariant(RELEASE_SYNC, { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }),
  );
  return {
    run(program: string): boolean {
      const runtime = quickjs.newRuntime();
      runtime.setMemoryLimit(memoryLimitBytes);
      runtime.setMaxStackSize(1024 * 1024);
      const vm = runtime.newContext();
      const toText = (args: unknown[]): string => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a) ?? String(a))).join(' ');
      // The guest's whole world: print and console.log/error. No timers, no modules, no host objects.
      const printer = (stream: 'stdout' | 'stderr') =>
        vm.newFunction('log', (...handles) => {
          emit(stream, toText(handles.map((h) => vm.dump(h) as unknown)) + '\n');
        });
      const console = vm.newObject();
      const log = printer('stdout');
      const error = printer('stderr');
      vm.setProp(console, 'log', log);
      vm.setProp(console, 'info', log);
      vm.setProp(console, 'error', error);
      vm.setProp(console, 'warn', error);
      vm.setProp(vm.global, 'console', console);
      vm.setProp(vm.global, 'print', log);
      [console, log, error].forEach((h) => h.dispose());
      const result = vm.evalCode(program, 'solution.js');
      let ok = true;
      if (result.error) {
        const err = vm.dump(result.error) as { name?: string; message?: string; stack?: string } | string;
        result.error.dispose();
        emit('stderr', typeof err === 'object' && err ? `${err.name ?? 'Error'}: ${err.message ?? ''}\n${err.stack ?? ''}` : String(err));
        ok = false;
      } else {
        result.value.dispose();
        const jobs = runtime.executePendingJobs();
        if (jobs.error) {
          emit('stderr', String(vm.dump(jobs.error)));
          jobs.error.dispose();
          ok = false;
        }
      }
      return ok;
    },
  };
}

let runner: Runner | undefined;

listen('message', (event) => {
  const message = event.data;
  if (message.type === 'load') {
    limits = message.limits;
    const started = performance.now();
    const loading =
      message.language === 'python' && message.files.python
        ? loadPython(message.files.python)
        : message.language === 'javascript' && message.files.javascript
          ? loadJavaScript(message.files.javascript, message.limits.memoryLimitBytes)
          : Promise.reject(new Error(`no ${message.language} runtime was sent`));
    loading.then(
      (r) => {
        runner = r;
        strip(['fetch', 'Response']);
        post({ type: 'loaded', ms: Math.round(performance.now() - started) });
      },
      (error: unknown) => post({ type: 'loadFailed', message: String((error as Error)?.message ?? error) }),
    );
  } else if (message.type === 'run' && runner) {
    const current = runner;
    runner = undefined; // one program per worker
    post({ type: 'started' });
    const ok = current.run(message.program);
    if (!stopped) post({ type: 'exit', ok });
  }
});
