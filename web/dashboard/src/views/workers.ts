import { api, type WorkerModel } from '../api';
import { blockLink, pager, workerLink } from '../components';
import { fields, h, link, mono, replace, section, table } from '../dom';
import { amount, fixed, flop, int } from '../format';
import { notice, present, type ViewContext } from '../view';
import { taskPage } from './tasks';

const reputation = (r: number): string => `${fixed(r / 100, 1)} %`;

const PAGE = 50;

/** Registered workers in address order, a page at a time (the node pages them with `after`). */
export function workers(root: HTMLElement, ctx: ViewContext): void {
  const after = ctx.query.get('after') ?? undefined;
  const body = h('div');
  replace(root, section('Workers', body));
  const refresher = present(body, ctx, {
    what: 'the worker list',
    minIntervalMs: 2_000,
    load: (signal) => api.workers(after, PAGE, signal),
    render: ({ workers: list, next_after }) =>
      replace(
        body,
        pager({
          first: after === undefined ? null : '/workers',
          newer: null,
          older: next_after === null ? null : `/workers?after=${encodeURIComponent(next_after)}`,
          label: list.length ? `${int(list.length)} on this page` : 'no workers',
        }),
        list.length
          ? table(
              [
                { title: 'worker', cell: (w) => workerLink(w.address) },
                { title: 'stake', class: 'num', cell: (w) => amount(w.stake) },
                { title: 'reputation', class: 'num', cell: (w) => h('span', { title: `${w.reputation} / 10,000` }, reputation(w.reputation)) },
                { title: 'active', class: 'num', cell: (w) => int(w.active_tasks) },
                { title: 'verified compute', class: 'num', cell: (w) => flop(w.verified_compute_units) },
                { title: 'settled', class: 'num', cell: (w) => int(w.tasks_settled) },
                { title: 'rejected', class: 'num', cell: (w) => h('span', { class: w.tasks_rejected ? 'bad' : null }, int(w.tasks_rejected)) },
                { title: 'missed', class: 'num', cell: (w) => int(w.deadlines_missed) },
                { title: 'earned', class: 'num', cell: (w) => amount(w.earned) },
                { title: 'slashed', class: 'num', cell: (w) => h('span', { class: w.slashed !== '0' ? 'bad' : null }, amount(w.slashed)) },
                { title: 'capabilities', cell: (w) => w.capabilities.join(', ') },
              ],
              list,
              (w) => ({ 'data-testid': 'worker-row', 'data-address': w.address }),
            )
          : notice('No workers registered.'),
      ),
  });
  ctx.on('block', (event) => {
    if (event.tasks.length) refresher.request();
  });
}

export function worker(root: HTMLElement, ctx: ViewContext): void {
  const address = ctx.params[0] ?? '';
  const summary = h('div');
  const tasksBody = h('div');
  replace(root, summary, section('Tasks of this worker', tasksBody));
  const refresher = present(summary, ctx, {
    what: `worker ${address}`,
    notFoundIn: root,
    minIntervalMs: 2_000,
    load: (signal) => api.worker(address, signal),
    render: (w) => {
      // The task list is only worth showing for a worker that exists.
      if (!tasksBody.hasChildNodes()) taskPage(tasksBody, ctx, { worker: w.address }, (before) => (before === null ? `/workers/${w.address}` : `/workers/${w.address}?before=${before}`));
      renderWorker(summary, w);
    },
  });
  ctx.on('block', (event) => {
    if (event.tasks.some((t) => t.worker === address)) refresher.request();
  });
}

function renderWorker(el: HTMLElement, w: WorkerModel): void {
  replace(
    el,
    section(
      'Worker',
      fields([
        ['address', mono(w.address)],
        ['account', link(`/accounts/${w.address}`, 'balance and proof')],
        ['stake', amount(w.stake)],
        ['reputation', `${reputation(w.reputation)} (${int(w.reputation)} / 10,000; assignment weight ${int(w.reputation + 100)})`],
        ['capabilities', w.capabilities.join(', ')],
        ['active tasks', int(w.active_tasks)],
        ['verified compute', `${flop(w.verified_compute_units)} (${int(w.verified_compute_units)} units)`],
        ['tasks settled', int(w.tasks_settled)],
        ['tasks rejected', h('span', { class: w.tasks_rejected ? 'bad' : null }, int(w.tasks_rejected))],
        ['deadlines missed', int(w.deadlines_missed)],
        ['earned', amount(w.earned)],
        ['slashed', h('span', { class: w.slashed !== '0' ? 'bad' : null }, amount(w.slashed))],
        ['registered at', blockLink(w.registered_height)],
      ]),
    ),
  );
}
