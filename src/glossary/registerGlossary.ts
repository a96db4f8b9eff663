import { join } from 'node:path';
import { registerCommands } from '../core/commands';
import type { Services } from '../core/services';
import { GlossaryDecorations } from './glossaryDecorations';
import { GlossaryHoverRegistration } from './glossaryHoverProvider';
import { GlossaryStore } from './glossaryStore';
import { GlossaryTree, glossaryGroupingCommands } from './glossaryTree';
import { lookUpTermCommand } from './lookUpTerm';
import { RegionCache } from './textRegions';

/**
 * The glossary capability: hovers (per `llmLab.glossary.*` settings, applied live), optional underlines in
 * markdown, the `llmLab.glossary` tree and `llmLab.lookUpTerm`. The glossary itself loads on first use.
 */
export function registerGlossary(services: Services): void {
  const { context, log } = services;
  const store = new GlossaryStore(join(services.contentDir, 'glossary.json'), log);
  const regions = new RegionCache();
  const tree = new GlossaryTree(store, context.globalState);
  context.subscriptions.push(
    new GlossaryHoverRegistration(services, store, regions),
    new GlossaryDecorations(services, store, regions),
    tree,
    services.language.onDidChangeLanguage(() => tree.refresh()),
  );
  registerCommands(context, [lookUpTermCommand(store, log), ...glossaryGroupingCommands(tree)]);
}
