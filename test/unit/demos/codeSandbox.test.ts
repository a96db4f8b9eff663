import assert from 'node:assert/strict';
import { createCodeExecutor, toSandboxResult, type ProgramSandbox } from '../../../src/demos/codeSandbox';
import type { SandboxResult } from '../../../src/demos/demoTypes';
import { decideExecution } from '../../../src/sandbox/sandboxPolicy';
import type { ConsentAnswer, SandboxRunResult } from '../../../src/sandbox/sandboxMessages';

/** The consent policy around the sandbox; the sandbox itself is tested in test/unit/sandbox/attacks.test.ts. */
class RecordingSandbox implements ProgramSandbox {
  asked: string[] = [];
  ran: string[] = [];
  constructor(
    private readonly answer: ConsentAnswer | ((signal?: AbortSignal) => ConsentAnswer),
    private readonly result: SandboxRunResult = { end: 'ok', stdout: '42\n', stderr: '', durationMs: 3, startMs: 0 },
  ) {}
  async ask(request: { program: string }, signal?: AbortSignal): Promise<ConsentAnswer> {
    this.asked.push(request.program);
    return typeof this.answer === 'function' ? this.answer(signal) : this.answer;
  }
  async run(_language: string, program: string): Promise<SandboxRunResult> {
    this.ran.push(program);
    return this.result;
  }
}

describe('code execution policy (PAL)', () => {
  const request = { demoId: 'pal', runIndex: 0, label: 'PAL', language: 'python' as const, source: 'x', program: 'print(6 * 7)' };
  const never = new AbortController().signal;
  const executor = (setting: 'ask' | 'always' | 'never', sandbox: ProgramSandbox, trusted = () => true, remembered: string[] = []) =>
    createCodeExecutor({ setting: () => setting, trusted, sandbox: () => sandbox, rememberAlways: async () => void remembered.push('always') });

  it('decideExecution: untrusted or never refuses, always runs, ask asks', () => {
    assert.deepEqual(
      [decideExecution('always', false), decideExecution('ask', false), decideExecution('never', true), decideExecution('always', true), decideExecution('ask', true)],
      ['refuse', 'refuse', 'refuse', 'run', 'ask'],
    );
  });

  it('an untrusted workspace refuses without asking or running, whatever the setting', async () => {
    const sandbox = new RecordingSandbox('run');
    const outcome = await executor('always', sandbox, () => false)(request, never);
    assert.deepEqual(['reason' in outcome && outcome.reason, sandbox.asked.length, sandbox.ran.length], ['untrusted', 0, 0]);
  });

  it('"never" refuses; a declined question refuses; "ask" shows the whole program and runs it after yes', async () => {
    const off = new RecordingSandbox('run');
    assert.equal(((await executor('never', off)(request, never)) as { reason: string }).reason, 'setting');
    assert.equal(off.ran.length, 0);
    const declined = new RecordingSandbox('decline');
    assert.equal(((await executor('ask', declined)(request, never)) as { reason: string }).reason, 'declined');
    assert.deepEqual([declined.asked, declined.ran], [[request.program], []]);
    const yes = new RecordingSandbox('run');
    const ran = (await executor('ask', yes)(request, never)) as SandboxResult;
    assert.deepEqual([yes.asked, yes.ran, ran.stdout.trim(), ran.ok], [[request.program], [request.program], '42', true]);
  });

  it('"always" runs without asking; answering "always run" is remembered', async () => {
    const always = new RecordingSandbox('decline');
    await executor('always', always)(request, never);
    assert.deepEqual([always.asked.length, always.ran.length], [0, 1]);
    const remembered: string[] = [];
    const chooser = new RecordingSandbox('always');
    await executor('ask', chooser, () => true, remembered)(request, never);
    assert.deepEqual([remembered, chooser.ran.length], [['always'], 1]);
  });

  it('cancelled while the question is open, a "run" answer runs nothing', async () => {
    const controller = new AbortController();
    const sandbox = new RecordingSandbox(() => {
      controller.abort(); // the reader pressed Cancel elsewhere while the question was up…
      return 'run'; // …then answered Run
    });
    const outcome = (await executor('ask', sandbox)(request, controller.signal)) as SandboxResult;
    assert.deepEqual([outcome.cancelled, outcome.ok, sandbox.ran.length], [true, false, 0]);
  });

  it('trust revoked while the question was open: nothing runs', async () => {
    let trusted = true;
    const sandbox = new RecordingSandbox(() => {
      trusted = false;
      return 'run';
    });
    const outcome = await executor('ask', sandbox, () => trusted)(request, never);
    assert.deepEqual(['reason' in outcome && outcome.reason, sandbox.ran.length], ['untrusted', 0]);
  });

  it('questions come one at a time, and a queued question of a cancelled demo is never shown', async () => {
    let release!: (answer: ConsentAnswer) => void;
    const shown: string[] = [];
    const sandbox: ProgramSandbox = {
      ask: (r) => {
        shown.push(r.program);
        return new Promise((resolve) => (release = resolve));
      },
      run: async () => ({ end: 'ok', stdout: '', stderr: '', durationMs: 0, startMs: 0 }),
    };
    const run = executor('ask', sandbox);
    const cancelled = new AbortController();
    const first = run({ ...request, program: 'first' }, never);
    const second = run({ ...request, program: 'second' }, cancelled.signal);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(shown, ['first'], 'the second question waits for the first');
    cancelled.abort();
    release('run');
    await first;
    const outcome = (await second) as SandboxResult;
    assert.deepEqual([shown, outcome.cancelled], [['first'], true]);
  });

  it('how a run ended maps to the demo result: timeout, output cap, interpreter that cannot start', async () => {
    assert.deepEqual(
      [toSandboxResult('python', { end: 'timeout', stdout: '', stderr: '', durationMs: 5000, startMs: 0 })].map((r) => [r.ok, r.timedOut, r.exitCode]),
      [[false, true, null]],
    );
    assert.equal(toSandboxResult('python', { end: 'outputLimit', stdout: 'x', stderr: '', durationMs: 1, startMs: 0 }).killedForOutput, true);
    const broken = new RecordingSandbox('run', { end: 'startFailed', stdout: '', stderr: 'no wasm', durationMs: 0, startMs: 0 });
    const outcome = await executor('always', broken)(request, never);
    assert.deepEqual(['reason' in outcome && outcome.reason, /no wasm/.test((outcome as { message: string }).message)], ['unavailable', true]);
  });
});
