import assert from 'node:assert/strict';
import * as net from 'node:net';
import { HttpClient, HttpClientOptions } from '../../../src/llm/http';
import { LlmError, LlmErrorKind, StreamEvent } from '../../../src/llm/types';

export function client(options: Omit<Partial<HttpClientOptions>, 'timeoutMs'> & { timeoutMs?: number } = {}): HttpClient {
  const { timeoutMs = 3000, ...rest } = options;
  return new HttpClient({ ...rest, timeoutMs: () => timeoutMs });
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export function textOf(events: StreamEvent[], type: 'text' | 'reasoning' = 'text'): string {
  return events.map((e) => (e.type === type ? e.text : '')).join('');
}

export async function rejectsWith(promise: Promise<unknown>, kind: LlmErrorKind): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LlmError, `expected an LlmError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
    return error;
  }
  assert.fail(`expected an LlmError of kind ${kind}, but it resolved`);
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export const never = (): AbortSignal => new AbortController().signal;
export const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
