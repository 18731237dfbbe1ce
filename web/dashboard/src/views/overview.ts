import { api, type BlockSummaryModel, type MarketModel, type NodeInfoModel, type StatusModel } from '../api';
import { GFLOPS_WINDOW, axisFormats, finalitySeries, gflopsSeries, rewardBars, timeChart, usefulWorkSeries } from '../charts';
import { accountLink, blockTable, patchTaskRows, taskTable, type BlockRow } from '../components';
import { fields, h, link, mono, replace, section, type Child } from '../dom';
import { DASH, amount, bytes, dateTime, fixed, gflop, int, ms, percent, seconds, short } from '../format';
import type { Live } from '../live';
import { Refresher } from '../refresher';
import { notice, present, type ViewContext } from '../view';

declare global {
  interface Window {
    /** When the overview first painted real data; read by the browser tests. */
    __poccFirstRenderMs?: number;
  }
}

const RECENT = 10;

const tile = (label: string, value: Child, sub?: Child): HTMLElement =>
  h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label), h('div', { class: 'tile-value' }, value), sub ? h('div', { class: 'tile-sub' }, sub) : null);

const flag = (ok: boolean | null | undefined, good = 'yes', bad = 'NO'): HTMLElement =>
  ok === null || ok === undefined ? h('span', { class: 'muted' }, DASH) : h('span', { class: ok ? 'good' : 'bad' }, ok ? good : bad);

/** A count that should be zero: shown in red when it is not. */
const zeroIsGood = (n: number | null): HTMLElement => h('span', { class: n === null ? 'muted' : n === 0 ? 'good' : 'bad' }, int(n));

export function overview(root: HTMLElement, ctx: ViewContext): void {
  const { live } = ctx;
  const tiles = h('div', { class: 'tiles' });
  const chain = h('div');
  const throughput = h('div');
  const supply = h('div');
  const market = h('div');
  const node = h('div');

  const finalityChart = h('div', { class: 'chart', 'data-testid': 'chart-finality' });
  const gflopsChart = h('div', { class: 'chart', 'data-testid': 'chart-gflops' });
  const usefulChart = h('div', { class: 'chart', 'data-testid': 'chart-useful-work' });
  const rewardsChart = h('div', { class: 'chart chart-bars', 'data-testid': 'chart-rewards' });
  const historyNote = h('div');
  const gflopsNote = h('div');
  const usefulNote = h('div');
  const recentBlocks = h('div');
  const recentTasks = h('div');

  replace(
    root,
    tiles,
    h(
      'div',
      { class: 'grid' },
      section('Chain', chain),
      h('div', { class: 'stack' }, section('Throughput and finality', throughput), section('Supply', supply)),
      section('Compute market', market),
      section('Node and load', node),
    ),
    h(
      'div',
      { class: 'grid charts' },
      section('Transactions per block and finality', historyNote, finalityChart),
      section(`Verified compute (GFLOP/s over ${GFLOPS_WINDOW} blocks)`, gflopsNote, gflopsChart),
      section('Useful work (share of CPU time)', usefulNote, usefulChart),
      section('Rewards earned by worker', rewardsChart),
    ),
    h(
      'div',
      { class: 'grid two' },
      section(h('span', null, 'Recent blocks ', link('/blocks', 'all')), recentBlocks),
      section(h('span', null, 'Recent tasks ', link('/tasks', 'all')), recentTasks),
    ),
  );

  const paintStatus = (status: StatusModel): void => {
    renderStatus(status, live, { tiles, chain, throughput, supply });
    if (window.__poccFirstRenderMs === undefined) window.__poccFirstRenderMs = performance.now();
  };
  const paintMarket = (): void => renderMarket(market, live.market.state === 'ok' ? live.market.value : live.market.state);
  const paintNode = (): void => renderNode(node, live.node.state === 'ok' ? live.node.value : live.node.state);
  if (live.status) paintStatus(live.status);
  paintMarket();
  paintNode();
  ctx.on('status', paintStatus);
  ctx.on('market', paintMarket);
  ctx.on('node', paintNode);

  // Charts: the node's per-block history series.
  const finality = timeChart(
    finalityChart,
    [
      { label: 'txs', color: '--c1', scale: 'count', format: axisFormats.count },
      { label: 'finality', color: '--c2', scale: 'ms', format: axisFormats.ms },
    ],
    [
      { scale: 'count', side: 'left', format: axisFormats.count },
      { scale: 'ms', side: 'right', format: axisFormats.ms },
    ],
    ctx.signal,
  );
  const gflops = timeChart(
    gflopsChart,
    [{ label: 'GFLOP/s', color: '--c3', scale: 'gflops', format: (v) => `${fixed(v, 2)} GFLOP/s`, fill: true }],
    [{ scale: 'gflops', side: 'left', format: axisFormats.gflops }],
    ctx.signal,
  );
  const useful = timeChart(
    usefulChart,
    [
      { label: 'useful work', color: '--c3', scale: '%', format: (v) => `${fixed(v, 1)} %` },
      { label: 'with duplicate execution', color: '--c4', scale: '%', format: (v) => `${fixed(v, 1)} %`, dash: [4, 4] },
    ],
    [{ scale: '%', side: 'left', format: axisFormats.percent }],
    ctx.signal,
  );
  const paintHistory = (): void => {
    const history = live.history;
    const note = history.state === 'missing' ? notice('Not available: this node does not serve /v1/stats/history yet.', 'warn') : null;
    replace(historyNote, note);
    replace(gflopsNote, note?.cloneNode(true) ?? null);
    if (history.state !== 'ok') return;
    finality.setData(finalitySeries(history.value));
    gflops.setData(gflopsSeries(history.value));
  };
  const paintUseful = (): void => {
    const m = live.market;
    replace(
      usefulNote,
      m.state === 'missing'
        ? notice('Not available: this node does not serve /v1/market yet.', 'warn')
        : m.state === 'ok' && m.value.useful_work_fraction === null
          ? notice('Needs the computing to run in this node process (a devnet, or a node run with --worker).')
          : null,
    );
    if (live.history.state === 'ok') useful.setData(usefulWorkSeries(live.history.value));
  };
  paintHistory();
  paintUseful();
  ctx.on('history', () => {
    paintHistory();
    paintUseful();
  });
  ctx.on('market', paintUseful);

  const rewards = present(rewardsChart, ctx, {
    what: 'the worker list',
    // The chart ranks by earnings among the first page of workers (address order), enough for any devnet.
    load: (signal) => api.workers(undefined, 500, signal),
    render: ({ workers }) => rewardBars(rewardsChart, workers),
    minIntervalMs: 3_000,
  });

  // Recent blocks: the stream's events, seeded with the node's block list so the table is full at once.
  let seeded: BlockSummaryModel[] = [];
  const paintBlocks = (): void => {
    const rows = new Map<number, BlockRow>();
    for (const b of seeded) rows.set(b.height, b);
    for (const b of live.recentBlocks) rows.set(b.height, b);
    const newest = [...rows.values()].sort((a, b) => b.height - a.height).slice(0, RECENT);
    replace(recentBlocks, newest.length ? blockTable(newest, false) : notice('No blocks yet.'));
  };
  const seed = new Refresher(async () => {
    try {
      seeded = (await api.blocks(undefined, RECENT, ctx.signal)).blocks;
    } finally {
      if (!ctx.signal.aborted) paintBlocks();
    }
  }, 1_000);
  ctx.signal.addEventListener('abort', () => seed.dispose());
  seed.request();
  ctx.on('resync', () => seed.request());

  const tasks = present(recentTasks, ctx, {
    what: 'the task list',
    load: (signal) => api.tasks({ limit: RECENT }, signal),
    render: ({ tasks }) => replace(recentTasks, tasks.length ? taskTable(tasks, true) : notice('No tasks yet.')),
  });

  ctx.on('block', (event) => {
    paintBlocks();
    if (event.tasks.length) {
      // States move in place at once; the refetch adds new tasks and the heights the event does not carry.
      patchTaskRows(recentTasks, event.tasks);
      tasks.request();
      rewards.request();
    }
  });
}

interface StatusPanels { tiles: HTMLElement; chain: HTMLElement; throughput: HTMLElement; supply: HTMLElement }

function renderStatus(s: StatusModel, live: Live, p: StatusPanels): void {
  replace(
    p.tiles,
    tile('head', int(live.headHeight ?? s.height), h('span', { class: 'mono', title: s.head_hash }, short(s.head_hash, 10, 6))),
    tile('finality p50 / p99', `${s.finality_ms_p50 ?? DASH} / ${s.finality_ms_p99 ?? DASH}`, 'ms'),
    tile('throughput', fixed(s.tx_per_second, 1), 'tx/s'),
    tile('transactions finalized', int(s.transactions_finalized), `in ${int(s.blocks_finalized)} blocks`),
    tile('mempool', int(s.mempool_size), bytes(s.mempool_bytes)),
    tile('supply conserved', flag(s.supply_conserved), amount(s.supply.total)),
  );
  replace(
    p.chain,
    fields([
      ['chain id', s.chain_id],
      ['head height', link(`/blocks/${s.height}`, int(s.height))],
      ['head hash', mono(s.head_hash)],
      ['state root', mono(s.state_root)],
      ['genesis hash', mono(s.genesis_hash)],
      ['latest block', dateTime(s.latest_block_time_ms)],
      ['engine', `${s.engine}${s.producing ? ', producing' : ', not producing'}`],
      ['validators', link('/validators', int(s.validators))],
      ['this validator', s.validator ? accountLink(s.validator) : 'none (not a validator)'],
      ['peers', int(s.peers)],
      ['version', s.version],
    ]),
  );
  replace(
    p.throughput,
    fields([
      ['tx/s (recent)', fixed(s.tx_per_second, 1)],
      ['blocks finalized', int(s.blocks_finalized)],
      ['transactions finalized', int(s.transactions_finalized)],
      ['finality p50', ms(s.finality_ms_p50)],
      ['finality p99', ms(s.finality_ms_p99)],
      ['block interval', ms(s.block_interval_ms)],
      ['mempool', `${int(s.mempool_size)} txs, ${bytes(s.mempool_bytes)}`],
    ]),
  );
  replace(
    p.supply,
    fields([
      ['total', amount(s.supply.total)],
      ['genesis', amount(s.supply.genesis)],
      ['minted', amount(s.supply.minted)],
      ['burned', amount(s.supply.burned)],
      ['conserved', flag(s.supply_conserved)],
    ]),
    h('p', { class: 'muted small' }, 'Conserved: all holdings (balances, bonded, unbonding, worker stakes, escrowed fees) = genesis + minted − burned.'),
  );
}

function renderMarket(el: HTMLElement, m: MarketModel | 'loading' | 'missing'): void {
  if (m === 'loading') return replace(el, notice('Loading…'));
  if (m === 'missing') return replace(el, notice('Not available: this node does not serve /v1/market yet.', 'warn'));
  const t = m.tasks;
  const total = t.posted + t.assigned + t.committed + t.verified + t.settled + t.rejected + t.expired;
  const counts = (['posted', 'assigned', 'committed', 'verified', 'settled', 'rejected', 'expired'] as const).map((state) =>
    link(`/tasks?state=${state}`, h('span', { class: `count state-${state}` }, h('b', null, int(t[state])), ` ${state}`)),
  );
  replace(
    el,
    h('div', { class: 'counts' }, link('/tasks', h('span', { class: 'count' }, h('b', null, int(total)), ' tasks')), ...counts),
    fields([
      ['verified compute', gflop(m.verified_gflop)],
      ['useful work', h('span', null, percent(m.useful_work_fraction), h('span', { class: 'muted' }, ` of ${seconds(m.process_cpu_seconds)} CPU`))],
      ['with duplicate execution', percent(m.useful_work_fraction_with_duplicate_execution)],
      ['verify / compute', m.verify_to_compute_ratio === null ? DASH : fixed(m.verify_to_compute_ratio, 4)],
      ['compute time', seconds(m.compute_seconds)],
      ['verification time', seconds(m.verification_seconds)],
      ['process CPU time', seconds(m.process_cpu_seconds)],
      ['invalid results', h('span', null, `${int(m.invalid_results_committed)} committed, ${int(m.invalid_results_caught)} caught, `, zeroIsGood(m.invalid_results_settled), ' settled')],
      ['honest results rejected', zeroIsGood(m.honest_results_rejected)],
      ['rewards paid', amount(m.rewards_paid)],
      ['slashed', amount(m.slashed)],
    ]),
  );
}

function renderNode(el: HTMLElement, n: NodeInfoModel | 'loading' | 'missing'): void {
  if (n === 'loading') return replace(el, notice('Loading…'));
  if (n === 'missing') return replace(el, notice('Not available: this node does not serve /v1/node yet.', 'warn'));
  const load = n.load;
  replace(
    el,
    fields([
      ['version', n.version],
      ['cores', int(n.cores)],
      ['home', mono(n.home)],
      ['role', n.validator ? 'validator' : 'full node'],
      ['in-process workers', int(n.in_process_workers)],
      ['matmul executor', n.matmul_executor ?? DASH],
      ['dashboard', n.dashboard_url],
      ...(load
        ? ([
            ['devnet started at', `height ${int(load.start_height)}, running ${int(load.running_seconds)} s`],
            ['load accounts', int(load.accounts)],
            ['load target rate', `${int(load.target_rate)} tx/s`],
            ['submitted', int(load.submitted)],
            ['refused at admission', int(load.refused_at_admission)],
            ['rejected at proposal', int(load.rejected_at_proposal)],
          ] as [string, Child][])
        : []),
    ]),
    load ? null : h('p', { class: 'muted small' }, 'No load generator in this process (figures appear when running a devnet).'),
  );
}
