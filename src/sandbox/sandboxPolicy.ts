import type { CodeExecutionSetting } from '../core/config';
import type { SandboxEnd, SandboxLimits } from './sandboxMessages';

/** Pure rules of the program sandbox: limits, the consent decision, and the page's Content-Security-Policy. */

export const SANDBOX_LIMITS: SandboxLimits = {
  timeLimitMs: 5000,
  outputLimitBytes: 64 * 1024,
  memoryLimitBytes: 256 * 1024 * 1024,
  startLimitMs: 60000,
};

/** The consent policy of `llmLab.codeExecution`; an untrusted workspace never runs code. */
export function decideExecution(setting: CodeExecutionSetting, trusted: boolean): 'ask' | 'run' | 'refuse' {
  if (!trusted || setting === 'never') return 'refuse';
  return setting === 'always' ? 'run' : 'ask';
}

/**
 * The sandbox page's policy. Beyond every panel's (`default-src 'none'`, scripts by nonce, assets from the
 * extension only): `'wasm-unsafe-eval'` to compile the interpreters (WebAssembly only: JavaScript `eval` and
 * `Function` stay blocked), `worker-src blob:` for the one worker per run, and `connect-src 'none'` written
 * out: no fetch, XHR, WebSocket or EventSource to any address. A blob: worker inherits this policy.
 */
export function sandboxCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    'worker-src blob:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Maps how a run ended to the demo layer's flags. */
export function endFlags(end: SandboxEnd): { ok: boolean; timedOut: boolean; killedForOutput: boolean; cancelled: boolean } {
  return { ok: end === 'ok', timedOut: end === 'timeout', killedForOutput: end === 'outputLimit', cancelled: end === 'cancelled' };
}
