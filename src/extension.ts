import * as vscode from 'vscode';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from './core/config';
import { LanguageService } from './core/language';
import { Log } from './core/log';
import { ProgressStore } from './core/progressStore';
import { cleanStaleTempDirs } from './core/tempCleanup';
import type { Services } from './core/services';
import { registerLecture } from './lecture/registerLecture';
import { registerWalkthrough } from './walkthrough/registerWalkthrough';
import { registerGlossary } from './glossary/registerGlossary';
import { registerLessons } from './lessons/registerLessons';
import { registerLlm } from './llm/llmService';
import { registerLocal } from './local/registerLocal';
import { registerDemos } from './demos/registerDemos';
import { registerSandbox } from './sandbox/registerSandbox';
import { registerTinyGpt } from './tinygpt/registerTinyGpt';
import { registerTrainingPanel } from './tinygpt/trainingPanel';

/** Builds the services and registers each capability; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): { services: Services; activationMs: number } {
  const started = Date.now();
  const config = new Config();
  const log = new Log();
  context.subscriptions.push(log);
  // First: it applies the language that everything below renders in, and tells them when it changes.
  const language = new LanguageService(context.extensionPath, config);
  context.subscriptions.push(language);
  const progress = new ProgressStore(context.globalState, log);
  context.subscriptions.push(progress);
  const services: Services = { context, config, log, language, progress, contentDir: join(context.extensionPath, 'dist', 'content') };

  const lessons = registerLessons(services);
  const lecture = registerLecture(services, progress, lessons.widgetHandler);
  registerWalkthrough(services, progress);
  registerGlossary(services);
  const local = registerLocal(services);
  const llm = registerLlm(services, { localProvider: () => local.provider() });
  local.connect(llm);
  const tiny = registerTinyGpt(services, llm);
  // The shipped tiny GPT and the tuned ones (llmLab.train 'sft' / 'ppo') are `builtin` models 'tinygpt', 'tinygpt-sft', 'tinygpt-ppo'.
  lessons.builtinProvider.useTinyGpt((id) => tiny.builtinModel(id));
  registerTrainingPanel(services, llm, tiny.stages);
  const sandbox = registerSandbox(services);
  registerDemos(services, llm, { builtin: lessons.builtinProvider, content: lecture.content, sandbox });
  progress.start();
  // After activation returns, off the start-up path: folders of runs whose host died.
  const cleanup = setTimeout(() => {
    void cleanStaleTempDirs(tmpdir()).then((removed) => {
      if (removed.length) log.info(`removed ${removed.length} stale temp folder(s): ${removed.join(', ')}`);
    });
  }, 5000);
  context.subscriptions.push({ dispose: () => clearTimeout(cleanup) });
  const activationMs = Date.now() - started;
  log.info(`LLM Lab activated in ${activationMs} ms (VS Code ${vscode.version})`);
  return { services, activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
