import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { ModelServer } from '../server/modelServer';

interface TestResult {
  ok: boolean;
  provider: string;
  baseUrl?: string;
  models: string[];
  error?: { kind: string; message: string };
}

const KEY = 'sk-llmlab-integration-0123456789';
const KEYS = ['provider', 'baseUrl', 'model'] as const;

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

describe('llm: connection commands in the real host', function () {
  this.timeout(30000);
  let server: ModelServer;
  const saved: Record<string, unknown> = {};
  const settings = () => vscode.workspace.getConfiguration('llmLab');

  before(async () => {
    server = await ModelServer.start();
    for (const key of KEYS) saved[key] = settings().inspect(key)?.globalValue;
    await settings().update('provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
    await settings().update('baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    await settings().update('model', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('llmLab.clearApiKey');
    for (const key of KEYS) await settings().update(key, saved[key], vscode.ConfigurationTarget.Global);
    await server.close();
  });

  it('testConnection: ok with the models the test server lists', async () => {
    const result = await vscode.commands.executeCommand<TestResult>('llmLab.testConnection');
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.provider, 'openai-compatible');
    assert.equal(result.baseUrl, server.baseUrl);
    assert.deepEqual(result.models, ['llm-lab-test', 'llm-lab-test-large']);
    assert.ok(server.requestsTo('/v1/models').length >= 1);
  });

  it('testConnection: a closed port → ok:false with error.kind unreachable', async () => {
    const port = await closedPort();
    await settings().update('baseUrl', `http://127.0.0.1:${port}/v1`, vscode.ConfigurationTarget.Global);
    try {
      const result = await vscode.commands.executeCommand<TestResult>('llmLab.testConnection');
      assert.equal(result.ok, false);
      assert.equal(result.error?.kind, 'unreachable');
      assert.match(result.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      await settings().update('baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    }
  });

  it('setApiKey/clearApiKey with an argument: the key goes only in the Authorization header, then not at all', async () => {
    assert.equal(await vscode.commands.executeCommand('llmLab.setApiKey', KEY), true);
    server.reset();
    assert.equal((await vscode.commands.executeCommand<TestResult>('llmLab.testConnection')).ok, true);
    const withKey = server.requestsTo('/v1/models');
    assert.ok(withKey.length >= 1);
    for (const request of withKey) {
      assert.equal(request.headers.authorization, `Bearer ${KEY}`);
      assert.ok(!request.url.includes(KEY) && !request.body.includes(KEY));
    }
    assert.equal(await vscode.commands.executeCommand('llmLab.clearApiKey'), true);
    server.reset();
    assert.equal((await vscode.commands.executeCommand<TestResult>('llmLab.testConnection')).ok, true);
    for (const request of server.requestsTo('/v1/models')) assert.equal(request.headers.authorization, undefined);
  });

  it('cancel: runs with no request running and returns 0', async () => {
    assert.equal(await vscode.commands.executeCommand('llmLab.cancel'), 0);
  });
});
