/**
 * Runs a loader at most once per interval and never twice at the same time. Blocks arrive several times a second;
 * every view that refetches on a block goes through one of these so the page asks the node at a steady pace,
 * and a request made meanwhile is not lost but folded into one trailing run.
 */
export class Refresher {
  private running = false;
  private pending = false;
  private lastStart = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly load: () => Promise<unknown>,
    private readonly minIntervalMs: number,
  ) {}

  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer !== undefined) return;
    const wait = this.lastStart + this.minIntervalMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.request();
      }, wait);
      return;
    }
    void this.runNow();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private async runNow(): Promise<void> {
    this.running = true;
    this.lastStart = performance.now();
    try {
      await this.load();
    } catch {
      // The loader reports its own failures; the next request tries again.
    } finally {
      this.running = false;
      if (this.pending) {
        this.pending = false;
        this.request();
      }
    }
  }
}
