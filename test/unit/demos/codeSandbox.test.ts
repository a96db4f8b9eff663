import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodeExecutor, decideExecution, detectRuntime, runInSandbox } from '../../../src/demos/codeSandbox';
import type { CodeLanguage, SandboxResult } from '../../../src/demos/demoTypes';

const languages: CodeLanguage[] = ['python', 'javascript'];

const programs: Record<CodeLanguage, Record<string, (arg: string) => string>> = {
  python: {
    hello: () => 'def solution():\n    return 200 - 93 - 39 + 6\nprint(solution(), "完成")',
    forever: () => 'while True:\n    pass',
    connect: (port) => `import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=2)\nprint("connected")`,
    urllib: (port) => `import urllib.request\nprint(urllib.request.urlopen("http://127.0.0.1:${port}/", timeout=2).read())`,
    write: (path) => `with open(${JSON.stringify(path)}, "w") as f:\n    f.write("pwned")\nprint("wrote")`,
    spawn: () => 'import os\nos.system("echo spawned")\nprint("ran")',
    flood: () => 'import sys\nchunk = "x" * 1023 + "\\n"\nfor _ in range(10 * 1024):\n    sys.stdout.write(chunk)',
    memory: () => 'big = bytearray(2 * 1024 * 1024 * 1024)\nprint(len(big))',
    cwdAndEnv: () => 'import os\nprint(os.getcwd())\nprint(sorted(k for k in os.environ if k in ("HOME", "PATH", "USER")))',
  },
  javascript: {
    hello: () => 'function solution() {\n  return 200 - 93 - 39 + 6;\n}\nconsole.log(solution(), "完成");',
    forever: () => 'for (;;) {}',
    connect: (port) => `const s = require("net").connect(${port}, "127.0.0.1", () => console.log("connected"));`,
    urllib: (port) => `fetch("http://127.0.0.1:${port}/").then(() => console.log("fetched"));`,
    write: (path) => `require("fs").writeFileSync(${JSON.stringify(path)}, "pwned"); console.log("wrote");`,
    spawn: () => 'require("child_process").execSync("echo spawned"); console.log("ran");',
    flood: () => 'const chunk = "x".repeat(1023) + "\\n";\nfor (let i = 0; i < 10 * 1024; i++) process.stdout.write(chunk);',
    memory: () => 'const keep = [];\nfor (;;) keep.push(new Array(1e6).fill(Math.random()));',
    cwdAndEnv: () => 'console.log(process.cwd());\nconsole.log(JSON.stringify(["HOME", "PATH", "USER"].filter((k) => k in process.env)));',
  },
};

describe('code sandbox', function () {
  this.timeout(30000);
  let server: Server;
  let port = 0;
  let connections = 0;

  before(async () => {
    server = createServer((socket) => {
      connections++;
      socket.end('HTTP/1.0 200 OK\r\n\r\nhello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('decideExecution: untrusted or never refuses, always runs, ask asks', () => {
    assert.equal(decideExecution('always', false), 'refuse');
    assert.equal(decideExecution('ask', false), 'refuse');
    assert.equal(decideExecution('never', true), 'refuse');
    assert.equal(decideExecution('always', true), 'run');
    assert.equal(decideExecution('ask', true), 'ask');
  });

  it('runtimes: Python and a Node with the permission model are found here', async () => {
    assert.equal((await detectRuntime('python'))?.language, 'python');
    const node = await detectRuntime('javascript');
    assert.ok(node && node.flags.some((f) => /permission/.test(f)), JSON.stringify(node));
  });

  for (const language of languages) {
    describe(language, () => {
      const p = programs[language];

      it(`${language}: a normal program runs and its output comes back`, async () => {
        const r = await runInSandbox(p.hello(''), language);
        assert.equal(r.ok, true, r.stderr);
        assert.equal(r.stdout.trim(), '74 完成');
        assert.equal(r.exitCode, 0);
        assert.equal(r.language, language);
      });

      it(`${language}: a program that loops forever is killed at the time limit`, async () => {
        const limit = language === 'python' ? undefined : 1500; // Python uses the 5 s default
        const r = await runInSandbox(p.forever(''), language, limit ? { timeLimitMs: limit } : {});
        assert.equal(r.timedOut, true);
        assert.equal(r.ok, false);
        const expected = limit ?? 5000;
        assert.ok(r.durationMs >= expected - 50 && r.durationMs < expected + 1500, `took ${r.durationMs} ms`);
      });

      it(`${language}: network access is blocked (no connection reaches a local server)`, async () => {
        const before = connections;
        for (const code of [p.connect(String(port)), p.urllib(String(port))]) {
          const r = await runInSandbox(code, language, { timeLimitMs: 4000 });
          assert.equal(r.ok, false, r.stdout);
          assert.doesNotMatch(r.stdout, /connected|fetched|hello/);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(connections, before);
      });

      it(`${language}: writing a file is blocked`, async () => {
        const target = join(tmpdir(), `llmlab-sandbox-write-${language}-${process.pid}.txt`);
        rmSync(target, { force: true });
        const r = await runInSandbox(p.write(target), language);
        assert.equal(r.ok, false);
        assert.doesNotMatch(r.stdout, /wrote/);
        assert.equal(existsSync(target), false);
      });

      it(`${language}: starting another process is blocked`, async () => {
        const r = await runInSandbox(p.spawn(''), language);
        assert.equal(r.ok, false);
        assert.doesNotMatch(r.stdout, /spawned|ran/);
      });

      it(`${language}: printing 10 MB is stopped at the 64 KB output cap`, async () => {
        const r = await runInSandbox(p.flood(''), language);
        assert.equal(r.killedForOutput, true);
        assert.equal(r.ok, false);
        assert.ok(Buffer.byteLength(r.stdout) <= 64 * 1024, `${Buffer.byteLength(r.stdout)} bytes kept`);
        assert.ok(r.durationMs < 4000, `took ${r.durationMs} ms`);
      });

      it(`${language}: a program that allocates without bound hits the memory cap`, async () => {
        const r = await runInSandbox(p.memory(''), language, { memoryLimitMb: 128 });
        assert.equal(r.ok, false);
        assert.equal(r.timedOut, false, 'should die of memory, not time');
      });

      it(`${language}: cancel kills the program at once`, async () => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        const r = await runInSandbox(p.forever(''), language, { signal: controller.signal });
        assert.equal(r.cancelled, true);
        assert.equal(r.timedOut, false);
        assert.ok(r.durationMs < 2000, `took ${r.durationMs} ms`);
      });

      it(`${language}: runs in a fresh temp folder, removed afterwards, with an empty environment`, async () => {
        const r = await runInSandbox(p.cwdAndEnv(''), language);
        assert.equal(r.ok, true, r.stderr);
        const [cwd, env] = r.stdout.trim().split('\n');
        assert.match(cwd, /llmlab-run-/);
        assert.equal(existsSync(cwd), false);
        assert.match(env, /^\[\]$/);
      });
    });
  }

  it('sandbox: an already-cancelled signal never starts the program', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runInSandbox('print(1)', 'python', { signal: controller.signal });
    assert.deepEqual([r.cancelled, r.ok, r.durationMs], [true, false, 0]);
  });

  describe('executor policy', () => {
    const request = { demoId: 'pal', runIndex: 0, label: 'PAL', language: 'python' as const, source: 'x', program: 'print(6 * 7)' };
    const never = new AbortController().signal;

    it('executor: an untrusted workspace refuses without asking, whatever the setting', async () => {
      let asked = false;
      const run = createCodeExecutor({ setting: () => 'always', trusted: () => false, ask: async () => (asked = true) });
      const outcome = await run(request, never);
      assert.deepEqual(['status' in outcome && outcome.status, 'reason' in outcome && outcome.reason, asked], ['refused', 'untrusted', false]);
    });

    it('executor: "never" refuses, a declined question refuses, "ask" + yes and "always" run', async () => {
      const refusedBySetting = await createCodeExecutor({ setting: () => 'never', trusted: () => true, ask: async () => true })(request, never);
      assert.equal('reason' in refusedBySetting && refusedBySetting.reason, 'setting');
      const declined = await createCodeExecutor({ setting: () => 'ask', trusted: () => true, ask: async () => false })(request, never);
      assert.equal('reason' in declined && declined.reason, 'declined');
      const asked = await createCodeExecutor({ setting: () => 'ask', trusted: () => true, ask: async () => true })(request, never);
      assert.equal((asked as SandboxResult).stdout.trim(), '42');
      const always = await createCodeExecutor({ setting: () => 'always', trusted: () => true, ask: async () => false })(request, never);
      assert.equal((always as SandboxResult).ok, true);
    });

    it('executor: cancelled while the question is open, a "yes" runs nothing', async () => {
      const controller = new AbortController();
      const run = createCodeExecutor({
        setting: () => 'ask',
        trusted: () => true,
        ask: async (_request, signal) => {
          assert.equal(signal, controller.signal, 'the question gets the run signal');
          controller.abort(); // the reader pressed Cancel elsewhere while the dialog was up…
          return true; // …then answered "Run Program"
        },
      });
      const outcome = (await run(request, controller.signal)) as SandboxResult;
      assert.deepEqual([outcome.cancelled, outcome.ok, outcome.stdout, outcome.durationMs], [true, false, '', 0]);
    });
  });
});
