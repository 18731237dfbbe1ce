import {
  ApiError, BLOCK_STREAM_URL, api, onNetwork,
  type BlockEventModel, type HistorySampleModel, type MarketModel, type NodeInfoModel, type StatusModel, type TaskEventModel,
} from './api';
import { Emitter } from './emitter';
import { Refresher } from './refresher';
import { openBlockStream, type BlockStream } from './sse';

export type Connection = 'live' | 'reconnecting';

/** A figure from an endpoint that may not exist on this node: `missing` until a node that serves it answers. */
export type Optional<T> = { state: 'loading' } | { state: 'missing' } | { state: 'ok'; value: T };

interface LiveEvents extends Record<string, unknown> {
  connection: Connection;
  status: StatusModel;
  block: BlockEventModel;
  /** Blocks may have been missed (the stream was down, or the node now runs another chain): refetch everything. */
  resync: undefined;
  history: undefined;
  market: undefined;
  node: undefined;
}

const RECENT_BLOCKS = 50;
const TASK_CHANGE_HEIGHTS = 5_000;
const HISTORY_LIMIT = 1_000;
const STATUS_POLL_MS = 5_000;
const MARKET_POLL_MS = 3_000;
const NODE_POLL_MS = 10_000;

/**
 * What the whole page shares: the connection to the node, the head, the recent block events (with the tasks each
 * block changed), and the time series the charts draw. Views read it and subscribe to its events.
 */
export class Live extends Emitter<LiveEvents> {
  connection: Connection = 'reconnecting';
  /** When the stream's next connection attempt starts, while reconnecting. */
  retryAt: number | null = null;
  /** When data last arrived from the node (wall clock), to say how old the figures on screen are. */
  lastDataAt: number | null = null;
  status: StatusModel | null = null;
  /** Newest first. */
  readonly recentBlocks: BlockEventModel[] = [];
  /** The tasks each block changed, for the blocks the stream delivered without a gap since `streamedFrom`. */
  readonly taskChanges = new Map<number, TaskEventModel[]>();
  streamedFrom: number | null = null;
  history: Optional<HistorySampleModel[]> = { state: 'loading' };
  market: Optional<MarketModel> = { state: 'loading' };
  node: Optional<NodeInfoModel> = { state: 'loading' };

  private stream: BlockStream | null = null;
  private needsResync = false;
  private readonly statusRefresher = new Refresher(() => this.loadStatus(), 1_000);
  private readonly historyRefresher = new Refresher(() => this.loadHistory(), 2_000);

  get headHeight(): number | null {
    const fromStream = this.recentBlocks[0]?.height ?? 0;
    const fromStatus = this.status?.height ?? 0;
    return this.status || this.recentBlocks.length ? Math.max(fromStream, fromStatus) : null;
  }

  start(): void {
    onNetwork((reachable) => {
      if (reachable) {
        this.lastDataAt = Date.now();
        if (this.connection === 'reconnecting') this.stream?.retryNow();
      } else {
        this.setConnection('reconnecting');
        this.stream?.restart();
      }
    });
    this.stream = openBlockStream(BLOCK_STREAM_URL, {
      open: () => {
        this.retryAt = null;
        this.setConnection('live');
        if (this.needsResync) {
          this.needsResync = false;
          this.resync();
        }
      },
      block: (event) => this.onBlock(event),
      down: (retryInMs) => {
        this.retryAt = Date.now() + retryInMs;
        this.setConnection('reconnecting');
      },
    });
    this.statusRefresher.request();
    this.historyRefresher.request();
    void this.loadMarket();
    void this.loadNode();
    setInterval(() => this.statusRefresher.request(), STATUS_POLL_MS);
    setInterval(() => void this.loadMarket(), MARKET_POLL_MS);
    setInterval(() => void this.loadNode(), NODE_POLL_MS);
  }

  private setConnection(connection: Connection): void {
    if (connection === 'reconnecting') this.needsResync = true;
    this.connection = connection;
    this.emit('connection', connection); // also when unchanged: the retry time may have changed
  }

  private resync(): void {
    this.statusRefresher.request();
    // Keep a series already drawn; ask again for one that was missing (the node may have been upgraded).
    if (this.history.state === 'missing') this.history = { state: 'loading' };
    this.historyRefresher.request();
    void this.loadMarket();
    void this.loadNode();
    this.emit('resync', undefined);
  }

  private onBlock(event: BlockEventModel): void {
    this.lastDataAt = Date.now();
    const previous = this.recentBlocks[0];
    if (previous && event.height <= previous.height) {
      // A lower or equal height after a reconnect means the node restarted on another (or a reset) chain.
      this.recentBlocks.length = 0;
      this.taskChanges.clear();
    }
    if (!previous || event.height !== previous.height + 1) this.streamedFrom = event.height;
    this.recentBlocks.unshift(event);
    if (this.recentBlocks.length > RECENT_BLOCKS) this.recentBlocks.length = RECENT_BLOCKS;
    if (event.tasks.length) {
      this.taskChanges.set(event.height, event.tasks);
      if (this.taskChanges.size > TASK_CHANGE_HEIGHTS) {
        const oldest = this.taskChanges.keys().next().value;
        if (oldest !== undefined) {
          this.taskChanges.delete(oldest);
          this.streamedFrom = Math.max(this.streamedFrom ?? 0, oldest + 1);
        }
      }
    }
    this.emit('block', event);
    this.statusRefresher.request();
    this.historyRefresher.request();
  }

  private async loadStatus(): Promise<void> {
    const status = await api.status();
    const chainChanged = this.status !== null && this.status.genesis_hash !== status.genesis_hash;
    this.status = status;
    if (chainChanged) {
      this.recentBlocks.length = 0;
      this.taskChanges.clear();
      this.streamedFrom = null;
      this.history = { state: 'loading' };
      this.resync();
    }
    this.emit('status', status);
  }

  /** The full window once, then only the newest samples, merged by height. */
  private async loadHistory(): Promise<void> {
    try {
      const current = this.history.state === 'ok' ? this.history.value : null;
      const last = current?.[current.length - 1];
      const head = this.headHeight ?? 0;
      const incremental = last !== undefined && head - last.height < 50;
      const { samples } = await api.history(incremental ? 60 : HISTORY_LIMIT);
      let merged = samples;
      if (incremental && current) {
        const first = samples[0]?.height ?? Infinity;
        merged = current.filter((s) => s.height < first).concat(samples);
        if (merged.length > HISTORY_LIMIT) merged = merged.slice(merged.length - HISTORY_LIMIT);
      }
      this.history = { state: 'ok', value: merged };
    } catch (e) {
      if (!(e instanceof ApiError && e.endpointMissing)) throw e;
      this.history = { state: 'missing' };
    }
    this.emit('history', undefined);
  }

  private async loadMarket(): Promise<void> {
    try {
      const market = await api.market();
      this.market = { state: 'ok', value: market };
    } catch (e) {
      if (!(e instanceof ApiError && e.endpointMissing)) return;
      this.market = { state: 'missing' };
    }
    this.emit('market', undefined);
  }

  private async loadNode(): Promise<void> {
    try {
      this.node = { state: 'ok', value: await api.node() };
    } catch (e) {
      if (!(e instanceof ApiError && e.endpointMissing)) return;
      this.node = { state: 'missing' };
    }
    this.emit('node', undefined);
  }
}
