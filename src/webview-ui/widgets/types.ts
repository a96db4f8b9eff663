import type { Lang } from '../../core/l10n';
import type { WidgetRequestOf, WidgetRequestType, WidgetResponseOf } from '../../lessons/widgetProtocol';

export type { WidgetId } from '../../lessons/widgetProtocol';

/** What the host panel gives each widget. */
export interface WidgetContext {
  lang: Lang;
  /** core/l10n's t: English text in, the current language out, {0} placeholders filled from args. */
  t(text: string, ...args: unknown[]): string;
  /** Asks the extension (tokenizer, n-gram model); rejects with the handler's error message. */
  request<K extends WidgetRequestType>(msg: WidgetRequestOf<K>): Promise<WidgetResponseOf<K>>;
  /** This widget's saved state in this section (undefined the first time). */
  getState(): unknown;
  setState(state: unknown): void;
  /** The reader changed a control (progress: widgetUsed). */
  onUsed(): void;
}

/** A mounted widget; `dispose` stops timers (the host may drop the element without calling it). */
export interface MountedWidget {
  dispose(): void;
}
