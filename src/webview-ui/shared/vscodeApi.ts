/** The webview side of the VS Code bridge, typed per panel. */
interface VsCodeApi<TState> {
  postMessage(message: unknown): void;
  getState(): TState | undefined;
  setState(state: TState): void;
}

declare function acquireVsCodeApi<TState>(): VsCodeApi<TState>;

let api: VsCodeApi<unknown> | undefined;

export function vscodeApi<TState>(): VsCodeApi<TState> {
  api ??= acquireVsCodeApi<unknown>();
  return api as VsCodeApi<TState>;
}

/** Creates an element with class, text and attributes (never innerHTML with untrusted strings). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}
