import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DemoResult } from '../../src/demos/demoTypes';
import { ModelServer, type Rule } from '../server/modelServer';
import { activateExtension, closeAllEditors, useTestServerSettings, waitFor, webviewFrame } from './support/host';
import { recordFigure } from './support/perf';

const PY_SMALL = '```python\ndef solution():\n    baked = 200\n    sold = 93 + 39\n    returned = 6\n    return baked - sold + returned\n```';
const PY_LARGE = '```python\ndef solution():\n    baked = 2000000\n    sold = 930417 + 390281\n    returned = 6125\n    return baked - sold + returned\n```';
const PAL_RULES: Rule[] = [
  { match: /2,000,000[^]*# solution in Python:/, reply: PY_LARGE },
  { match: /# solution in Python:/, reply: PY_SMALL },
];

async function runDemo(arg: Record<string, unknown>): Promise<DemoResult> {
  const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', arg);
  assert.ok(result, 'runDemo returned nothing');
  return result;
}

describe('sandbox: PAL programs run in the Program Sandbox view (real host, WebAssembly)', function () {
  this.timeout(300000);
  let server: ModelServer;
  let listener: Server;
  let connections = 0;
  let restoreSettings: () => Promise<void>;
  const settings = () => vscode.workspace.getConfiguration('llmLab');
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-host-canary-'));
  const canary = join(dir, 'canary.txt');
  const outside = join(dir, 'created-by-program');
  const SECRET = `llmlab-host-secret-${process.pid}`;

  before(async () => {
    server = await ModelServer.start();
    listener = createServer((socket) => socket.destroy());
    listener.on('connection', () => connections++);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    writeFileSync(canary, 'canary');
    process.env.LLMLAB_HOST_SECRET = SECRET; // what the extension host holds; a program must never print it
    await activateExtension();
    restoreSettings = await useTestServerSettings(server.baseUrl);
  });

  beforeEach(() => {
    server.reset();
    server.setRules(PAL_RULES, 'The answer is 27.');
  });

  after(async () => {
    await restoreSettings();
    await closeAllEditors();
    await server.close();
    await new Promise((r) => listener.close(r));
    delete process.env.LLMLAB_HOST_SECRET;
    rmSync(dir, { recursive: true, force: true });
  });

  it('codeExecution "always": the PAL programs run in the sandbox view and compute 74 and 685427', async () => {
    const started = Date.now();
    const result = await runDemo({ id: 'pal', showUi: false });
    recordFigure('sandbox: PAL demo with two programs, first run in a window (cold interpreter)', Date.now() - started, 'ms');
    const programs = result.runs.filter((r) => r.code);
    assert.equal(programs.length, 2, JSON.stringify(result.runs.map((r) => r.label)));
    for (const run of programs) {
      assert.equal(run.code!.execution?.status, 'ran', `${run.label}: ${JSON.stringify(run.code!.execution)}`);
      assert.equal(run.correct, true, `${run.label}: ${JSON.stringify(run.code!.execution)}`);
    }
    assert.deepEqual(programs.map((r) => r.answer).sort(), ['685427', '74']);
    // The view shows each program and what it printed.
    const frame = await webviewFrame('[data-run][data-state="ok"]');
    const text = (await frame.textContent('.sandbox-runs')) ?? '';
    assert.match(text, /def solution/);
    assert.match(text, /685427/);
  });

  it('codeExecution "ask": the view shows the whole program before it runs; "Run" runs it, "Don’t run" does not', async () => {
    await settings().update('codeExecution', 'ask', vscode.ConfigurationTarget.Global);
    try {
      const pending = runDemo({ id: 'pal', showUi: false });
      const frame = await webviewFrame('[data-consent]', 60000);
      const shown = (await frame.textContent('[data-consent] .sandbox-program')) ?? '';
      // The whole program, exactly as it will run (the model's code plus the call that prints the answer).
      assert.match(shown, /def solution\(\):[^]*return baked - sold \+ returned[^]*print\(solution\(\)\)/);
      await frame.click('[data-consent] [data-answer="run"]');
      // Questions come one at a time: the second program's question follows.
      await waitFor(async () => (await frame.$$('[data-consent]')).length === 1, 'the second question', 60000);
      await frame.click('[data-consent] [data-answer="decline"]');
      const result = await pending;
      const statuses = result.runs.filter((r) => r.code).map((r) => r.code!.execution?.status);
      assert.deepEqual(statuses.sort(), ['ran', 'refused']);
      const ran = result.runs.find((r) => r.code?.execution?.status === 'ran')!;
      assert.equal(ran.correct, true);
    } finally {
      await settings().update('codeExecution', 'always', vscode.ConfigurationTarget.Global);
    }
  });

  it('llmLab.cancel while the question is open: the question is withdrawn, nothing runs, the demo ends cancelled', async () => {
    await settings().update('codeExecution', 'ask', vscode.ConfigurationTarget.Global);
    try {
      const pending = runDemo({ id: 'pal', showUi: false });
      const frame = await webviewFrame('[data-consent]', 60000);
      const cancelled = await vscode.commands.executeCommand<number>('llmLab.cancel');
      assert.ok(cancelled >= 1, `llmLab.cancel reported ${cancelled} running`);
      const result = await pending;
      assert.equal(result.error?.kind, 'cancelled');
      assert.ok(result.runs.every((r) => r.code?.execution?.status !== 'ran' || r.code.execution.cancelled), 'a program ran after llmLab.cancel');
      await waitFor(async () => (await frame.$$('[data-consent]')).length === 0, 'the question to be withdrawn', 10000);
    } finally {
      await settings().update('codeExecution', 'always', vscode.ConfigurationTarget.Global);
    }
  });

  it('attack programs through the PAL demo are contained: no connection, no file, no secret, the host lives', async () => {
    const attack = [
      'import os, sys',
      'reached = []',
      'def attempt(name, fn):',
      '    try:',
      '        fn()',
      '        reached.append(name)',
      '    except BaseException:',
      '        pass',
      'import signal',
      "attempt('kill parent', lambda: os.kill(os.getppid(), signal.SIGUSR1))",
      `attempt('socket', lambda: __import__('socket').create_connection(('127.0.0.1', ${(listener.address() as { port: number }).port}), timeout=1))`,
      `attempt('urllib', lambda: __import__('urllib.request').request.urlopen('http://127.0.0.1:${(listener.address() as { port: number }).port}/', timeout=1))`,
      // Writes land, if anywhere, in the interpreter's own in-memory file system: the real canary is checked below.
      `attempt('read canary', lambda: open(${JSON.stringify(canary)}).read())`,
      "attempt('environ', lambda: print(open('/proc/%d/environ' % os.getppid()).read()))",
      // Pyodide's posix.system is a stub that returns without running anything: the real check is the file below.
      `sys.modules.pop('posix', None)\ntry:\n    __import__('posix').system('touch ${outside}')\nexcept BaseException:\n    pass`,
      "attempt('js realm', lambda: __import__('pyodide.ffi', fromlist=['to_js']).to_js([1]).constructor.constructor('return fetch')())",
      "print('ESCAPED', reached) if reached else print('CONTAINED')",
      "print(os.environ.get('LLMLAB_HOST_SECRET', 'no secret here'))",
    ].join('\n');
    server.setRules([{ match: /# solution in Python:/, reply: '```python\n' + attack + '\n```' }], 'The answer is 27.');
    const result = await runDemo({ id: 'pal', showUi: false });
    const programs = result.runs.filter((r) => r.code);
    assert.ok(programs.length > 0);
    for (const run of programs) {
      const execution = run.code!.execution;
      assert.equal(execution?.status, 'ran', JSON.stringify(execution));
      const out = execution?.status === 'ran' ? execution.stdout + execution.stderr : '';
      assert.ok(!out.includes(SECRET), 'the extension host secret reached the program');
      assert.match(out, /CONTAINED/);
      assert.doesNotMatch(out, /ESCAPED/);
    }
    assert.equal(connections, 0, 'a program reached the listener on 127.0.0.1');
    assert.equal(readFileSync(canary, 'utf8'), 'canary');
    assert.equal(existsSync(outside), false, 'a program created a file outside the sandbox');
    assert.ok(existsSync(canary));
    assert.equal(vscode.extensions.getExtension('llmlab.llm-lab')?.isActive, true);
  });

  it('an endless program is stopped at the 5 s limit, and the demo says so', async () => {
    server.setRules([{ match: /# solution in Python:/, reply: '```python\nwhile True:\n    pass\n```' }], 'The answer is 27.');
    const result = await runDemo({ id: 'pal', showUi: false });
    const run = result.runs.find((r) => r.code)!;
    const execution = run.code!.execution!;
    assert.equal(execution.status, 'ran');
    assert.ok(execution.status === 'ran' && execution.timedOut, JSON.stringify(execution));
  });
});
