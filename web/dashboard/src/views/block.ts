import { api, type BlockModel, type TaskModel, type TransactionModel } from '../api';
import { accountLink, outcomeText, pager, parseHeight, taskLink, workerLink } from '../components';
import { fields, h, link, mono, replace, section, table, type Child } from '../dom';
import { DASH, ago, amount, dateTime, int, short } from '../format';
import { notice, present, type ViewContext } from '../view';

const TX_PAGE = 50;
/** Above this many transactions the bodies are not fetched (one response would be megabytes); hashes still are. */
const FULL_BODIES_MAX = 500;
/** Where the page has no record of a block's task changes, it looks for them among this many newest tasks. */
const TASK_SCAN = 500;

export function block(root: HTMLElement, ctx: ViewContext): void {
  const id = ctx.params[0] ?? '';
  const txPage = Math.max(1, parseHeight(ctx.query.get('txpage')) ?? 1);
  present(root, ctx, {
    what: `block ${id}`,
    minIntervalMs: 60_000, // a finalized block does not change
    load: async (signal) => {
      const b = await api.block(id, false, signal);
      const full = b.header.transaction_count > 0 && b.header.transaction_count <= FULL_BODIES_MAX ? await api.block(id, true, signal) : null;
      return { block: b, bodies: full?.transactions ?? null };
    },
    render: ({ block: b, bodies }) => render(root, ctx, b, bodies, txPage),
  });
}

function render(root: HTMLElement, ctx: ViewContext, b: BlockModel, bodies: TransactionModel[] | null, txPage: number): void {
  const hd = b.header;
  const head = ctx.live.headHeight ?? hd.height;
  const tasksEl = h('div');
  replace(
    root,
    h(
      'nav',
      { class: 'pager' },
      hd.height > 1 ? link(`/blocks/${hd.height - 1}`, '‹ previous') : h('span', { class: 'disabled' }, '‹ previous'),
      h('span', { class: 'muted' }, `block ${int(hd.height)}`),
      hd.height < head ? link(`/blocks/${hd.height + 1}`, 'next ›') : h('span', { class: 'disabled' }, 'next ›'),
    ),
    section(
      `Block ${int(hd.height)}`,
      fields([
        ['height', int(hd.height)],
        ['hash', mono(b.hash)],
        ['time', `${dateTime(hd.timestamp_ms)} (${ago(hd.timestamp_ms)})`],
        ['chain id', hd.chain_id],
        ['proposer', accountLink(hd.proposer)],
        ['previous hash', hd.height > 1 ? link(`/blocks/${hd.height - 1}`, mono(hd.previous_hash)) : mono(hd.previous_hash)],
        ['last commit hash', mono(hd.last_commit_hash)],
        ['transactions root', mono(hd.transactions_root)],
        ['transactions', int(hd.transaction_count)],
        ['state root', mono(hd.state_root)],
      ]),
    ),
    section(
      'Commit',
      b.commit
        ? h(
            'div',
            null,
            fields([
              ['height', int(b.commit.height)],
              ['round', int(b.commit.round)],
              ['block hash', mono(b.commit.block_hash)],
              ['signatures', int(b.commit.signatures.length)],
            ]),
            table(
              [
                { title: 'validator', cell: (s) => accountLink(s.validator) },
                { title: 'signature', cell: (s) => mono(s.signature, short(s.signature, 24, 16)) },
              ],
              b.commit.signatures,
            ),
          )
        : notice('No commit stored for this block yet.'),
    ),
    section('Tasks this block changed', tasksEl),
    section(`Transactions (${int(hd.transaction_count)})`, transactions(b, bodies, txPage)),
  );
  renderTaskChanges(tasksEl, ctx, hd.height);
}

function transactions(b: BlockModel, bodies: TransactionModel[] | null, page: number): Child {
  const count = b.transaction_hashes.length;
  if (!count) return notice('No transactions.');
  const pages = Math.ceil(count / TX_PAGE);
  const current = Math.min(page, pages);
  const from = (current - 1) * TX_PAGE;
  const base = `/blocks/${b.header.height}`;
  const at = (p: number): string => (p === 1 ? base : `${base}?txpage=${p}`);
  const nav = pager({
    first: current > 1 ? at(1) : null,
    newer: current > 1 ? at(current - 1) : null,
    older: current < pages ? at(current + 1) : null,
    label: `${int(from + 1)}–${int(Math.min(from + TX_PAGE, count))} of ${int(count)}`,
  });
  const hashes = b.transaction_hashes.slice(from, from + TX_PAGE);
  const rows = hashes.map((hash, i) => ({ index: from + i, hash, tx: bodies?.[from + i] ?? null }));
  return h(
    'div',
    null,
    pages > 1 ? nav : null,
    bodies === null ? notice(`Bodies of blocks above ${int(FULL_BODIES_MAX)} transactions are not loaded; open one for its details.`) : null,
    table(
      [
        { title: '#', class: 'num', cell: (r) => int(r.index) },
        { title: 'hash', cell: (r) => link(`/tx/${r.hash}`, mono(r.hash, short(r.hash, 12, 8))) },
        { title: 'kind', cell: (r) => r.tx?.kind ?? DASH },
        { title: 'sender', cell: (r) => (r.tx ? accountLink(r.tx.sender) : DASH) },
        { title: 'to', cell: (r) => (r.tx?.to ? accountLink(r.tx.to) : DASH) },
        { title: 'amount', class: 'num', cell: (r) => amount(r.tx?.amount ?? null) },
        { title: 'fee', class: 'num', cell: (r) => amount(r.tx?.fee ?? null) },
        { title: 'nonce', class: 'num', cell: (r) => int(r.tx?.nonce) },
      ],
      rows,
    ),
  );
}

interface TaskChange { id: number; change: string; outcome: string; worker: string | null }

/**
 * The stream tells which tasks each block changed, for blocks seen since the page opened. For older blocks the
 * node has no index by height, so the newest tasks are searched for ones whose recorded heights match.
 */
async function renderTaskChanges(el: HTMLElement, ctx: ViewContext, height: number): Promise<void> {
  const live = ctx.live;
  if (live.streamedFrom !== null && height >= live.streamedFrom && height <= (live.recentBlocks[0]?.height ?? 0)) {
    const rows = (live.taskChanges.get(height) ?? []).map((t) => ({ ...t, change: `→ ${t.state}` }));
    replace(el, rows.length ? changeTable(rows) : notice('None.'));
    return;
  }
  replace(el, notice('Searching the newest tasks…'));
  try {
    const { tasks } = await api.tasks({ limit: TASK_SCAN }, ctx.signal);
    const rows = tasks.flatMap((t) => changesAt(t, height));
    const oldest = tasks[tasks.length - 1];
    const complete = oldest === undefined || oldest.id === 1 || oldest.posted_height < height - 1_000;
    replace(
      el,
      rows.length ? changeTable(rows) : notice('None found.'),
      complete ? null : notice(`Searched the newest ${int(TASK_SCAN)} tasks only; older ones are not listed.`),
    );
  } catch {
    if (!ctx.signal.aborted) replace(el, notice('Not available while the node is unreachable.', 'warn'));
  }
}

function changesAt(t: TaskModel, height: number): TaskChange[] {
  const base = { id: t.id, outcome: t.outcome, worker: t.worker };
  const out: TaskChange[] = [];
  if (t.posted_height === height) out.push({ ...base, change: 'posted' });
  if (t.assigned_height === height) out.push({ ...base, change: 'assigned' });
  if (t.commit_height === height) out.push({ ...base, change: 'committed' });
  if (t.closed_height === height) out.push({ ...base, change: `closed: ${t.state}` });
  return out;
}

function changeTable(rows: TaskChange[]): HTMLTableElement {
  return table(
    [
      { title: 'task', cell: (r) => taskLink(r.id) },
      { title: 'change', cell: (r) => r.change },
      { title: 'outcome', cell: (r) => outcomeText(r.outcome) },
      { title: 'worker', cell: (r) => workerLink(r.worker) },
    ],
    rows,
  );
}
