import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Starts test/server/modelServer.ts in a process of its own, as a real server is (so its work does not share the
 * measured client's thread); resolves with its origin once it listens. `env` is for hosts whose execPath is not
 * plain Node (the extension host: ELECTRON_RUN_AS_NODE).
 */
export function startModelServerProcess(root: string, env?: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'server', 'modelServer.ts'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: env ?? process.env,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve({ child, origin: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`model server exited (${code}): ${out}`)));
  });
}
