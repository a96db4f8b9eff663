import * as vscode from 'vscode';
import type { Command } from '../core/commands';
import { language, t } from '../core/l10n';
import type { Log } from '../core/log';
import type { GlossaryIndex } from './glossaryIndex';
import type { GlossaryStore } from './glossaryStore';
import type { GlossaryTerm } from './glossaryTypes';
import { otherLang } from './termMarkdown';

interface TermItem extends vscode.QuickPickItem {
  termId: string;
}

/** What `llmLab.lookUpTerm` resolves to when a term was chosen. */
export interface LookUpResult {
  id: string;
  section: string;
}

function argumentId(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim();
  if (typeof arg === 'object' && arg !== null) {
    const { id, termId } = arg as { id?: unknown; termId?: unknown };
    if (typeof id === 'string') return id;
    if (typeof termId === 'string') return termId;
  }
  return undefined;
}

function items(index: GlossaryIndex): TermItem[] {
  const lang = language();
  const other = otherLang(lang);
  return index.sorted(lang).map((term) => ({
    termId: term.id,
    label: term[lang].term,
    // Short names (RLHF, CoT, GPT-3.5, …) not already in the label, so typing them finds the term.
    description: term.en.aliases.filter((a) => /^[A-Zμ][A-Za-z0-9.-]*[A-Z]/.test(a) && !term[lang].term.includes(a)).slice(0, 3).join(', '),
    detail: term[other].term === term[lang].term ? term[lang].definition : term[other].term,
  }));
}

/** A short selection that names a term preselects it in the quick pick. */
function selectedText(): string {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return '';
  const text = editor.document.getText(editor.selection).trim();
  return text.length <= 40 && !text.includes('\n') ? text : '';
}

async function pickTerm(index: GlossaryIndex): Promise<GlossaryTerm | undefined> {
  const picker = vscode.window.createQuickPick<TermItem>();
  picker.placeholder = t('Look up a term (English or Chinese)');
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.items = items(index);
  const preset = index.find(selectedText());
  if (preset) picker.activeItems = picker.items.filter((i) => i.termId === preset.id);
  try {
    const chosen = await new Promise<TermItem | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0] ?? picker.activeItems[0]));
      picker.onDidHide(() => resolve(undefined));
      picker.show();
    });
    return chosen && index.byId.get(chosen.termId);
  } finally {
    picker.dispose();
  }
}

/** Opens the term's lecture section; if the lecture cannot open, shows the definition instead. */
async function openTerm(term: GlossaryTerm, log: Log): Promise<void> {
  try {
    await vscode.commands.executeCommand('llmLab.openLecture', term.section);
  } catch (error) {
    log.error(`glossary: llmLab.openLecture ${term.section} failed: ${(error as Error).message}`);
    const lang = language();
    void vscode.window.showInformationMessage(`${term[lang].term}: ${term[lang].definition}`);
  }
}

/**
 * `llmLab.lookUpTerm [termId]`: with an id (or a term's name) opens its lecture section; without one,
 * a quick pick over the glossary in the UI language, the other language beside it.
 */
export function lookUpTermCommand(store: GlossaryStore, log: Log): Command {
  return {
    id: 'llmLab.lookUpTerm',
    async run(arg?: unknown): Promise<LookUpResult | undefined> {
      const index = store.get();
      if (!index) {
        void vscode.window.showErrorMessage(t('The LLM Lab glossary could not be loaded; see the LLM Lab log.'));
        return undefined;
      }
      const wanted = argumentId(arg);
      let term: GlossaryTerm | undefined;
      if (wanted) {
        term = index.find(wanted);
        if (!term) {
          void vscode.window.showWarningMessage(t('No glossary term "{0}".', wanted));
          return undefined;
        }
      } else {
        term = await pickTerm(index);
        if (!term) return undefined;
      }
      await openTerm(term, log);
      return { id: term.id, section: term.section };
    },
  };
}
