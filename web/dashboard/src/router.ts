import type { Live } from './live';
import { notFound, type View, type ViewContext } from './view';

export interface Route {
  /** Matched against the path after '#'; capture groups become the view's params. */
  pattern: RegExp;
  view: View;
  /** The navigation entry to highlight. */
  nav: string;
}

/**
 * Hash routing: '#/tasks/12?x=y'. Each navigation aborts the previous view's signal, which cancels its requests,
 * timers, charts and subscriptions, then shows the new view in a fresh container.
 */
export function startRouter(outlet: HTMLElement, routes: Route[], live: Live, onNavigate: (nav: string) => void): void {
  let current: AbortController | null = null;

  const show = (): void => {
    current?.abort();
    const controller = new AbortController();
    current = controller;

    const raw = location.hash.replace(/^#/, '') || '/';
    const [path = '/', search = ''] = raw.split('?', 2);
    const root = document.createElement('div');
    root.className = 'view';
    outlet.replaceChildren(root);
    window.scrollTo(0, 0);

    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      let params: string[];
      try {
        params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
      } catch {
        break; // a malformed %-escape: no such page
      }
      onNavigate(route.nav);
      const ctx: ViewContext = {
        params,
        query: new URLSearchParams(search),
        live,
        signal: controller.signal,
        on: (event, listener) => {
          const off = live.on(event, listener);
          controller.signal.addEventListener('abort', off);
          return off;
        },
      };
      route.view(root, ctx);
      return;
    }
    onNavigate('');
    notFound(root, path, 'There is no such page in this dashboard.');
  };

  window.addEventListener('hashchange', show);
  show();
}
