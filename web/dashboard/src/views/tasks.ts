import { TASK_STATES, api } from '../api';
import { pager, parseHeight, patchTaskRows, taskTable } from '../components';
import { h, replace, section } from '../dom';
import { int } from '../format';
import { notice, present, type ViewContext } from '../view';

const PAGE = 50;

/**
 * For each page cursor, the cursor of the page above it, learnt as "older" links are rendered. Task ids under a
 * filter are not contiguous, so the newer page cannot be computed; the server pages one way only.
 */
const newerCursor = new Map<string, number | null>();

export interface TaskFilter { state?: string | undefined; worker?: string | undefined }

/**
 * A page of tasks, newest first, paged with `before` in the route's query. The first page follows the chain; every
 * page moves its rows' states as blocks change them.
 */
export function taskPage(container: HTMLElement, ctx: ViewContext, filter: TaskFilter, route: (before: number | null) => string): void {
  const before = parseHeight(ctx.query.get('before'));
  const key = (cursor: number): string => `${filter.state ?? ''}|${filter.worker ?? ''}|${cursor}`;
  const refresher = present(container, ctx, {
    what: 'the task list',
    minIntervalMs: 1_000,
    load: (signal) => api.tasks({ ...filter, before: before ?? undefined, limit: PAGE }, signal),
    render: (list) => {
      if (list.next_before !== null) newerCursor.set(key(list.next_before), before);
      const above = before === null ? undefined : newerCursor.get(key(before));
      const first = list.tasks[0]?.id;
      const last = list.tasks[list.tasks.length - 1]?.id;
      const nav = pager({
        first: before === null ? null : route(null),
        newer: above === undefined ? null : route(above),
        older: list.next_before === null ? null : route(list.next_before),
        label: first === undefined || last === undefined ? 'no tasks' : `#${int(last)} – #${int(first)}`,
      });
      replace(container, nav, list.tasks.length ? taskTable(list.tasks) : notice('No tasks here.'), list.tasks.length > 20 ? nav.cloneNode(true) : null);
    },
  });
  ctx.on('block', (event) => {
    const changes = filter.worker === undefined ? event.tasks : event.tasks.filter((t) => t.worker === filter.worker);
    if (!changes.length) return;
    const { shown, unseen } = patchTaskRows(container, changes);
    // Rows on screen complete their heights; the first page gains new tasks, and under a state filter tasks
    // also enter and leave it.
    if (shown || (before === null && (unseen || filter.state !== undefined))) refresher.request();
  });
}

export function tasks(root: HTMLElement, ctx: ViewContext): void {
  const raw = ctx.query.get('state');
  const state = raw !== null && (TASK_STATES as readonly string[]).includes(raw) ? raw : undefined;
  const route = (s: string | undefined, before: number | null): string => {
    const q = new URLSearchParams();
    if (s) q.set('state', s);
    if (before !== null) q.set('before', String(before));
    const text = q.toString();
    return text ? `/tasks?${text}` : '/tasks';
  };
  const filters = h(
    'nav',
    { class: 'filters' },
    ...[undefined, ...TASK_STATES].map((s) =>
      h('a', { href: `#${route(s, null)}`, class: s === state ? 'active' : null, 'data-testid': `filter-${s ?? 'all'}` }, s ?? 'all'),
    ),
  );
  const body = h('div');
  replace(
    root,
    section(
      state ? `Tasks: ${state}` : 'Tasks',
      filters,
      raw !== null && state === undefined ? notice(`Unknown state "${raw}"; showing all tasks.`, 'warn') : null,
      body,
    ),
  );
  taskPage(body, ctx, { state }, (before) => route(state, before));
}
