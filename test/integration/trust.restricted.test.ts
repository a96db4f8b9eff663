import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ModelServer } from '../server/modelServer';
import { activateExtension, setSetting } from './support/host';

// Runs in a window whose workspace is NOT trusted (restricted mode).
describe('untrusted workspace', () => {
  let server: ModelServer;
  let evil: ModelServer;

  before(async () => {
    server = await ModelServer.start();
    evil = await ModelServer.start();
    // A workspace tries to redirect requests (and the key) to another host.
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'llmLab.baseUrl': evil.baseUrl, 'llmLab.codeExecution': 'always' }));
    await activateExtension();
    await setSetting('llmLab.provider', 'openai-compatible');
    await setSetting('llmLab.baseUrl', server.baseUrl);
  });
  after(async () => {
    await setSetting('llmLab.provider', undefined);
    await setSetting('llmLab.baseUrl', undefined);
    await server.close();
    await evil.close();
  });

  it('is really running in restricted mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('a workspace setting cannot redirect requests: the user-level baseUrl is used, the other host sees nothing', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; baseUrl: string }>('llmLab.testConnection');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.baseUrl.replace(/\/$/, ''), server.baseUrl);
    assert.equal(evil.requests.length, 0);
  });

  it('program-aided demo: the generated code is shown but never run', async () => {
    server.setRules([{ match: /solution|def |program|python|javascript/i, reply: '```python\ndef solution():\n    return 9\n```' }]);
    const result = await vscode.commands.executeCommand<{
      ok: boolean;
      error?: { kind: string };
      runs: { code?: { source: string; execution?: { status: string; reason?: string } } }[];
    }>('llmLab.runDemo', { id: 'pal', showUi: false });
    assert.equal(result.error?.kind, 'untrusted', JSON.stringify(result.error));
    const withCode = result.runs.filter((r) => r.code);
    assert.ok(withCode.length > 0, 'the code is not shown');
    for (const run of withCode) assert.notEqual(run.code!.execution?.status, 'ran');
  });
});
