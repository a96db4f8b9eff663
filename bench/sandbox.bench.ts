import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './run';
import { median } from './timing';
import { SandboxHarness } from '../test/sandbox-harness/harness';
import { buildProgram } from '../src/demos/palProgram';

/**
 * The PAL sandbox (WebAssembly interpreter in a locked-down Web Worker, as shipped) against what a user would
 * otherwise run the same program with: the native interpreter (python3; node), started fresh per program,
 * which is what LLM Lab did before. Cold = first program (interpreter start included); warm = a program with an
 * interpreter already waiting (the sandbox keeps one ready between runs; a native run always starts a process).
 * Goals (issue 14): warm ≤ 2× native, cold start ≤ 1.5 s on this machine.
 */
const PY = buildProgram('def solution():\n    loaves_baked = 200\n    loaves_sold = 93 + 39\n    loaves_returned = 6\n    total = 0\n    for i in range(20000):\n        total += i % 7\n    return loaves_baked - loaves_sold + loaves_returned', 'python');
const JS = buildProgram('function solution() {\n  let total = 0;\n  for (let i = 0; i < 20000; i++) total += i % 7;\n  return 200 - (93 + 39) + 6;\n}', 'javascript');

function native(command: string, args: string[], file: string, source: string, repeats: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-bench-'));
  try {
    writeFileSync(join(dir, file), source);
    const samples: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      const r = spawnSync(command, [...args, join(dir, file)], { encoding: 'utf8' });
      samples.push(performance.now() - t);
      if (!r.stdout.includes('74')) throw new Error(`${command} printed ${r.stdout} ${r.stderr}`);
    }
    return median(samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const harness = new SandboxHarness();
  await harness.start();
  const results: BenchResult[] = [];
  try {
    for (const [language, program, command, args, file] of [
      ['python', PY, 'python3', ['-I', '-S'], 'main.py'],
      ['javascript', JS, process.execPath, [], 'main.js'],
    ] as const) {
      await harness.provide(language);
      const cold = await harness.run(language, program);
      if (!cold.result.stdout.includes('74')) throw new Error(`${language}: ${JSON.stringify(cold.result)}`);
      const warmSamples: number[] = [];
      // Every run leaves one interpreter starting for the next; wait until it is ready (as it is while a model
      // takes its seconds to write the program), then time the program alone.
      let runsDone = 1;
      for (let i = 0; i < 5; i++) {
        await harness.warm(language);
        await harness.waitForReady(language, runsDone);
        const warm = await harness.run(language, program);
        runsDone++;
        warmSamples.push(warm.wallMs);
      }
      const nativeMs = native(command, [...args], file, program, 5);
      const warmMs = median(warmSamples);
      results.push({
        name: `sandbox: ${language} PAL program, warm sandbox run vs native ${command.split('/').pop()} process`,
        ratio: warmMs / nativeMs,
        detail: `${warmMs.toFixed(0)} ms vs ${nativeMs.toFixed(0)} ms (median of 5; goal ≤ 2×)`,
      });
      results.push({
        name: `sandbox: ${language} cold start (first program: interpreter start + run) vs native process`,
        ratio: cold.wallMs / nativeMs,
        detail: `${cold.wallMs} ms (interpreter start ${cold.result.startMs} ms) vs ${nativeMs.toFixed(0)} ms (goal: cold ≤ 1500 ms)`,
      });
    }
  } finally {
    await harness.stop();
  }
  return results;
}
