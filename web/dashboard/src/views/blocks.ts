import { api } from '../api';
import { blockTable, pager, parseHeight } from '../components';
import { h, replace, section } from '../dom';
import { int } from '../format';
import { notice, present, type ViewContext } from '../view';

const PAGE = 50;

/** Finalized blocks, newest first, a page at a time; the first page follows the head. */
export function blocks(root: HTMLElement, ctx: ViewContext): void {
  const before = parseHeight(ctx.query.get('before'));
  const body = h('div');
  replace(root, section(before === null ? 'Blocks' : `Blocks below ${int(before)}`, body));

  const refresher = present(body, ctx, {
    what: 'the block list',
    load: (signal) => api.blocks(before ?? undefined, PAGE, signal),
    render: (list) => {
      const top = list.blocks[0]?.height;
      const bottom = list.blocks[list.blocks.length - 1]?.height;
      // Heights are contiguous, so the newer page starts PAGE above this one's cursor.
      const head = ctx.live.headHeight ?? top ?? 0;
      const newerBefore = before === null ? null : before + PAGE;
      const newer = newerBefore === null ? null : newerBefore > head ? '/blocks' : `/blocks?before=${newerBefore}`;
      const nav = pager({
        first: before === null ? null : '/blocks',
        newer,
        older: list.next_before === null ? null : `/blocks?before=${list.next_before}`,
        label: top === undefined || bottom === undefined ? 'no blocks' : `heights ${int(bottom)}–${int(top)}`,
      });
      replace(body, nav, list.blocks.length ? blockTable(list.blocks, true) : notice('No blocks here.'), list.blocks.length > 20 ? nav.cloneNode(true) : null);
    },
  });
  // Only the first page changes as blocks arrive; older pages are history.
  if (before === null) ctx.on('block', () => refresher.request());
}
