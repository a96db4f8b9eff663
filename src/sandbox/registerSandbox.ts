import type { Services } from '../core/services';
import { SandboxView } from './sandboxView';

/** The Program Sandbox view: registers its provider (cheap); the page loads only when a program needs it. */
export function registerSandbox(services: Services): () => SandboxView {
  const view = new SandboxView(services);
  services.context.subscriptions.push(view);
  return () => view;
}
