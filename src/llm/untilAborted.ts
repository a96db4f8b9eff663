/**
 * Settles like `promise`, or rejects with an AbortError as soon as `signal` aborts — without waiting for
 * `promise`. For APIs whose cancellation may never reach the other side (VS Code 1.100's language model
 * streams keep waiting on a provider that ignores, or never receives, the cancellation).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}
