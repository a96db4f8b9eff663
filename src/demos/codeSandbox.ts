import type { CodeExecutionSetting } from '../core/config';
import { t } from '../core/l10n';
import type { ConsentAnswer, SandboxLanguage, SandboxRunResult } from '../sandbox/sandboxMessages';
import { decideExecution } from '../sandbox/sandboxPolicy';
import type { CodeLanguage, CodeRefusal, SandboxResult } from './demoTypes';
import type { CodeExecutor } from './demoRunner';

/**
 * The PAL demos' code step: consent per `llmLab.codeExecution` and workspace trust (read on each call),
 * then the program sandbox (src/sandbox/: a WebAssembly interpreter in a locked-down Web Worker). Pure:
 * the sandbox is injected, so the policy is unit-tested without VS Code and the sandbox without demos.
 */

/** What the demo layer needs of the sandbox (the Program Sandbox view implements it). */
export interface ProgramSandbox {
  /** Shows the whole program and asks; a cancelled demo withdraws the question (resolves 'decline'). */
  ask(request: { language: SandboxLanguage; program: string; label: string }, signal?: AbortSignal): Promise<ConsentAnswer>;
  run(language: SandboxLanguage, program: string, label: string, signal?: AbortSignal): Promise<SandboxRunResult>;
}

export function refusal(reason: CodeRefusal['reason']): CodeRefusal {
  const message = {
    untrusted: t('The program was not run: this workspace is not trusted. Trust the workspace to run generated code.'),
    setting: t('The program was not run: running generated code is turned off (setting llmLab.codeExecution).'),
    declined: t('The program was not run: you chose not to run it.'),
    unavailable: t('The program was not run: the sandbox could not start its interpreter.'),
  }[reason];
  return { status: 'refused', reason, message };
}

/** The demo layer's view of a sandbox run. */
export function toSandboxResult(language: CodeLanguage, run: SandboxRunResult): SandboxResult {
  return {
    ok: run.end === 'ok',
    stdout: run.stdout,
    stderr: run.end === 'timeout' ? `${run.stderr}${run.stderr ? '\n' : ''}${t('Stopped: the time limit was reached.')}` : run.stderr,
    exitCode: run.end === 'ok' ? 0 : run.end === 'error' ? 1 : null,
    timedOut: run.end === 'timeout',
    killedForOutput: run.end === 'outputLimit',
    cancelled: run.end === 'cancelled',
    durationMs: run.durationMs,
    language,
  };
}

export function createCodeExecutor(policy: {
  setting: () => CodeExecutionSetting;
  trusted: () => boolean;
  sandbox: () => ProgramSandbox;
  /** The reader chose "Always run": remember it in the user's settings. */
  rememberAlways: () => Promise<void>;
}): CodeExecutor {
  // One question at a time: parallel runs queue, and a queued question for a cancelled demo is never shown.
  let questions: Promise<unknown> = Promise.resolve();
  const ask = (request: Parameters<ProgramSandbox['ask']>[0], signal: AbortSignal): Promise<ConsentAnswer> => {
    const answer = questions.then((): ConsentAnswer | Promise<ConsentAnswer> => {
      if (signal.aborted) return 'decline';
      // "Always run" chosen for an earlier question while this one waited.
      if (policy.setting() === 'always') return 'run';
      return policy.sandbox().ask(request, signal);
    });
    questions = answer.catch(() => undefined);
    return answer;
  };

  return async (request, signal) => {
    const trusted = policy.trusted();
    const decision = decideExecution(policy.setting(), trusted);
    if (decision === 'refuse') return refusal(trusted ? 'setting' : 'untrusted');
    if (decision === 'ask') {
      const answer = await ask({ language: request.language, program: request.program, label: request.label }, signal);
      // Cancelled while the question was open: whatever the answer, nothing runs.
      if (signal.aborted) return toSandboxResult(request.language, { end: 'cancelled', stdout: '', stderr: '', durationMs: 0, startMs: 0 });
      if (answer === 'decline') return refusal('declined');
      if (answer === 'always') await policy.rememberAlways();
    }
    // Trust can be revoked while the question was open.
    if (!policy.trusted()) return refusal('untrusted');
    const run = await policy.sandbox().run(request.language, request.program, request.label, signal);
    if (run.end === 'startFailed') return { ...refusal('unavailable'), message: `${refusal('unavailable').message} ${run.stderr}`.trim() };
    return toSandboxResult(request.language, run);
  };
}
