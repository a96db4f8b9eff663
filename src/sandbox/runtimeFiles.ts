import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeFiles, SandboxLanguage } from './sandboxMessages';
import { limitWasmMemory } from './wasmMemoryLimit';

/**
 * Reads the interpreter files shipped in the extension (dist/sandbox/) for the sandbox page, which may not
 * fetch anything itself. Pyodide's memory maximum is lowered in the binary here (wasmMemoryLimit.ts).
 * Pure Node (no vscode): the bench and the harness tests use it too.
 */
export async function readRuntimeFiles(extensionPath: string, language: SandboxLanguage, memoryLimitBytes: number): Promise<RuntimeFiles> {
  const dir = join(extensionPath, 'dist', 'sandbox');
  const workerSource = await readFile(join(dir, 'worker.js'), 'utf8');
  if (language === 'python') {
    const [wasm, stdlib, lock] = await Promise.all([
      readFile(join(dir, 'pyodide', 'pyodide.asm.wasm')),
      readFile(join(dir, 'pyodide', 'python_stdlib.zip')),
      readFile(join(dir, 'pyodide', 'pyodide-lock.json'), 'utf8'),
    ]);
    return { workerSource, python: { wasm: limitWasmMemory(new Uint8Array(wasm), memoryLimitBytes), stdlib: new Uint8Array(stdlib), lock } };
  }
  const wasm = await readFile(join(dir, 'quickjs', 'emscripten-module.wasm'));
  return { workerSource, javascript: { wasm: new Uint8Array(wasm) } };
}
