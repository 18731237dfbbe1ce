import type { BlockEventModel } from './api';

export interface BlockStreamHandlers {
  open(): void;
  block(event: BlockEventModel): void;
  /** The stream broke; `retryInMs` is when the next attempt starts. */
  down(retryInMs: number): void;
}

export interface BlockStream {
  /** Drop the current connection and back off (another request found the node unreachable). */
  restart(): void;
  /** Skip the rest of the backoff (another request found the node reachable again). */
  retryNow(): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8_000;

/**
 * The node's finalized-block stream with our own reconnection. EventSource retries on its own, but gives up for
 * good on some failures (an HTTP error while reconnecting) and its pace is the server's; this backs off
 * exponentially with jitter, so a restarting node is not hammered and a page left open recovers by itself.
 */
export function openBlockStream(url: string, handlers: BlockStreamHandlers): BlockStream {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = FIRST_RETRY_MS;

  const connect = (): void => {
    timer = undefined;
    const es = new EventSource(url);
    source = es;
    es.onopen = () => {
      delay = FIRST_RETRY_MS;
      handlers.open();
    };
    es.addEventListener('block', (e: MessageEvent<string>) => {
      let parsed: BlockEventModel;
      try {
        parsed = JSON.parse(e.data) as BlockEventModel;
      } catch {
        return; // one malformed event is not worth the stream
      }
      handlers.block(parsed);
    });
    es.onerror = () => {
      if (source !== es) return;
      fail();
    };
  };

  const fail = (): void => {
    source?.close();
    source = null;
    if (timer !== undefined) return;
    const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
    handlers.down(wait);
    timer = setTimeout(connect, wait);
  };

  connect();
  return {
    restart: () => {
      if (source) fail();
    },
    retryNow: () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      connect();
    },
  };
}
