/**
 * When a message may go to a page: the ready handshake, the queue and the page's init, free of `vscode`
 * (WebviewHost wraps it around a real webview; unit-tested in plain Node).
 *
 * A page posts `ready` when its script listens. Then it gets its init (if the page has one), then what
 * was queued for it, in order. A page that says `ready` again has been reloaded by the webview (a hidden
 * panel shown again, moved, "Reload Webviews"): it starts over the same way. Messages for a page that is
 * not listening are queued (`post`: commands such as "show this text"), or dropped when the next init
 * carries them anyway (`postState`: streamed updates, progress; queued, they would arrive twice).
 */
export class PageChannel<ToPage> {
  private ready = false;
  private queue: ToPage[] = [];
  private waiters: Array<() => void> = [];
  /** Counts page loads: an init computed for a page that has gone meanwhile is not sent. */
  private generation = 0;

  constructor(
    private readonly send: (message: ToPage) => void,
    private readonly init?: () => ToPage | Promise<ToPage>,
    private readonly onInitError: (error: unknown) => void = () => undefined,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Delivers now if the page is listening, else after its init. */
  post(message: ToPage): void {
    if (this.ready) this.send(message);
    else this.queue.push(message);
  }

  /** Delivers only to a listening page (its next init carries the change otherwise). */
  postState(message: ToPage): void {
    if (this.ready) this.send(message);
  }

  /** The page is gone or being replaced (new HTML, a hidden panel's page destroyed): queue until `ready`. */
  pageGone(): void {
    this.ready = false;
    this.generation++;
  }

  /** The page said `ready`; resolves true once it is listening (false: it was replaced before its init went out). */
  async pageReady(): Promise<boolean> {
    this.pageGone();
    const generation = this.generation;
    if (this.init) {
      const init = await this.initMessage();
      if (generation !== this.generation) return false;
      if (init !== undefined) this.send(init);
    }
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) this.send(message);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return true;
  }

  /** Sends a listening page its init again (the language changed: pages apply an init in place). */
  async reinit(): Promise<void> {
    if (!this.ready || !this.init) return;
    const generation = this.generation;
    const init = await this.initMessage();
    if (init !== undefined && this.ready && generation === this.generation) this.send(init);
  }

  private async initMessage(): Promise<ToPage | undefined> {
    try {
      return await this.init?.();
    } catch (error) {
      this.onInitError(error);
      return undefined;
    }
  }
}
