import { ApiError, NetworkError } from './api';
import { h, link, replace, type Child } from './dom';
import type { Live } from './live';
import { Refresher } from './refresher';

/** What a view gets when the router shows it. Everything it subscribes to ends when `signal` aborts. */
export interface ViewContext {
  /** The route's parameters, already URI-decoded. */
  params: string[];
  query: URLSearchParams;
  live: Live;
  signal: AbortSignal;
  /** Subscribe to a page-wide event for as long as this view is shown. */
  on: Live['on'];
}

export type View = (root: HTMLElement, ctx: ViewContext) => void;

export function notFound(root: HTMLElement, what: string, detail?: string): void {
  replace(
    root,
    h(
      'div',
      { class: 'panel not-found', 'data-testid': 'not-found' },
      h('h2', null, `Not found: ${what}`),
      h('p', null, detail || 'The node does not know this id. It may be mistyped, or not on this chain.'),
      h('p', null, link('/', 'Back to the overview')),
    ),
  );
}

export function notice(text: Child, kind: 'muted' | 'warn' = 'muted'): HTMLElement {
  return h('p', { class: `notice ${kind}` }, text);
}

export interface PresentOptions<T> {
  load: (signal: AbortSignal) => Promise<T>;
  render: (data: T) => void;
  /** Names the thing for the not-found view, e.g. "task 12". */
  what: string;
  /** Where the not-found view goes when it should replace more than `root` (a whole page of sections). */
  notFoundIn?: HTMLElement;
  minIntervalMs?: number;
}

/**
 * Loads data into `root` and keeps it there. The last good data stays on screen when a refresh fails (the header
 * says the node is unreachable); only a first load that fails shows a placeholder instead. An unknown id becomes
 * the not-found view, and an endpoint this node does not serve yet becomes a "not available" notice.
 * Returns the refresher, for the view to call when something it shows may have changed.
 */
export function present<T>(root: HTMLElement, ctx: ViewContext, options: PresentOptions<T>): Refresher {
  let shown = false;
  if (!root.hasChildNodes()) replace(root, notice('Loading…'));
  const refresher = new Refresher(async () => {
    try {
      const data = await options.load(ctx.signal);
      if (ctx.signal.aborted) return;
      options.render(data);
      shown = true;
    } catch (e) {
      if (ctx.signal.aborted) return;
      if (e instanceof ApiError && e.endpointMissing) {
        replace(root, notice(`Not available: this node does not serve ${options.what} yet.`, 'warn'));
      } else if (e instanceof ApiError && e.notFound) {
        notFound(options.notFoundIn ?? root, options.what, e.detail);
      } else if (!shown) {
        const why = e instanceof NetworkError ? 'Waiting for the node…' : `The node could not answer: ${e instanceof Error ? e.message : String(e)}`;
        replace(root, notice(why, 'warn'));
      }
      throw e;
    }
  }, options.minIntervalMs ?? 1_000);
  ctx.signal.addEventListener('abort', () => refresher.dispose());
  ctx.on('resync', () => refresher.request());
  refresher.request();
  return refresher;
}
