// Pieces several views share: links to entities, task and block rows (with the browser tests' hooks), paging.

import type { TaskEventModel, TaskModel } from './api';
import { h, link, mono, replace, table, type Child, type Column } from './dom';
import { DASH, ago, amount, flop, int, short, time } from './format';

export const blockLink = (height: number): Child => (height > 0 ? link(`/blocks/${height}`, int(height)) : DASH);

export const taskLink = (id: number): Child => link(`/tasks/${id}`, `#${id}`);

export const accountLink = (address: string | null): Child =>
  address ? link(`/accounts/${address}`, mono(address, short(address, 12, 6))) : DASH;

export const workerLink = (address: string | null): Child =>
  address ? link(`/workers/${address}`, mono(address, short(address, 12, 6))) : DASH;

export const stateBadge = (state: string): HTMLElement => h('span', { class: `state state-${state}` }, state);

/** The node's outcome name as is; those that mean someone was penalised or refunded stand out from "verified" and "none". */
export const outcomeText = (outcome: string): HTMLElement =>
  h('span', { class: outcome === 'verified' ? 'good' : outcome === 'none' ? 'muted' : 'bad' }, outcome);

const taskColumns: Column<TaskModel>[] = [
  { title: 'task', cell: (t) => taskLink(t.id) },
  { title: 'kind', cell: (t) => t.kind },
  { title: 'size', cell: (t) => (t.policy === 'stark' ? `${t.rows} steps` : `${t.rows}×${t.inner}×${t.columns}`) },
  { title: 'state', class: 'col-state', cell: (t) => stateBadge(t.state) },
  { title: 'outcome', class: 'col-outcome', cell: (t) => outcomeText(t.outcome) },
  { title: 'worker', class: 'col-worker', cell: (t) => workerLink(t.worker) },
  { title: 'fee', class: 'num', cell: (t) => amount(t.fee) },
  { title: 'work', class: 'num', cell: (t) => flop(t.compute_units) },
  { title: 'posted', class: 'num', cell: (t) => blockLink(t.posted_height) },
  { title: 'closed', class: 'num', cell: (t) => blockLink(t.closed_height) },
];

/** Compact tables (the overview's) leave out what a narrow panel has no room for. */
const compactTitles = new Set(['task', 'kind', 'state', 'outcome', 'worker', 'work', 'closed']);

export function taskTable(tasks: TaskModel[], compact = false): HTMLTableElement {
  return table(compact ? taskColumns.filter((c) => compactTitles.has(c.title)) : taskColumns, tasks, (t) => ({ 'data-testid': 'task-row', 'data-task-id': t.id, 'data-state': t.state }));
}

/**
 * Applies the task changes a block carried to rows already on screen, so states move at once; the event has no
 * heights or results, so the caller refetches to complete the rows. Says which changes were for rows on screen
 * and which for tasks not shown (new ones, on a first page).
 */
export function patchTaskRows(container: HTMLElement, changes: TaskEventModel[]): { shown: boolean; unseen: boolean } {
  const result = { shown: false, unseen: false };
  for (const change of changes) {
    const row = container.querySelector<HTMLTableRowElement>(`tr[data-task-id="${change.id}"]`);
    if (!row) {
      result.unseen = true;
      continue;
    }
    result.shown = true;
    row.dataset['state'] = change.state;
    const cell = (name: string, content: Child): void => {
      const td = row.querySelector(`td.col-${name}`);
      if (td) replace(td, content);
    };
    cell('state', stateBadge(change.state));
    cell('outcome', outcomeText(change.outcome));
    cell('worker', workerLink(change.worker));
    row.classList.remove('flash');
    void row.offsetWidth; // restart the highlight animation
    row.classList.add('flash');
  }
  return result;
}

/** The fields a block row needs; both the block list's summaries and the stream's events have them. */
export interface BlockRow {
  height: number;
  hash: string;
  timestamp_ms: number;
  transaction_count: number;
  proposer: string;
  commit_signatures?: number;
}

export function blockTable(blocks: BlockRow[], withSignatures: boolean): HTMLTableElement {
  const columns: Column<BlockRow>[] = [
    { title: 'height', class: 'num', cell: (b) => blockLink(b.height) },
    { title: 'time', cell: (b) => h('span', { title: ago(b.timestamp_ms) }, time(b.timestamp_ms)) },
    { title: 'txs', class: 'num', cell: (b) => int(b.transaction_count) },
    { title: 'hash', cell: (b) => link(`/blocks/${b.height}`, mono(b.hash, short(b.hash, 12, 8))) },
    { title: 'proposer', cell: (b) => accountLink(b.proposer) },
  ];
  if (withSignatures) columns.push({ title: 'sigs', class: 'num', cell: (b) => int(b.commit_signatures) });
  return table(columns, blocks, (b) => ({ 'data-testid': 'block-row', 'data-height': b.height }));
}

export interface PagerOptions {
  /** Where "newest" leads; shown when not on the first page. */
  first: string | null;
  newer: string | null;
  older: string | null;
  label: string;
}

export function pager(options: PagerOptions): HTMLElement {
  const item = (href: string | null, text: string, testid: string): Child =>
    href === null ? h('span', { class: 'disabled' }, text) : h('a', { href: `#${href}`, 'data-testid': testid }, text);
  return h(
    'nav',
    { class: 'pager' },
    item(options.first, '« newest', 'page-newest'),
    item(options.newer, '‹ newer', 'page-newer'),
    h('span', { class: 'muted' }, options.label),
    item(options.older, 'older ›', 'page-older'),
  );
}

/** A positive whole number from a route or query parameter, or null for anything else. */
export function parseHeight(text: string | null): number | null {
  if (text === null || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
