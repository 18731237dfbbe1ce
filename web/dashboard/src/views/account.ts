import { api, ApiError, type AccountModel } from '../api';
import { blockLink } from '../components';
import { fields, h, link, mono, replace, section, table } from '../dom';
import { DASH, amount, int } from '../format';
import { notice, present, type ViewContext } from '../view';

/** Balances and stake, proven against the head's state root; links to the worker record when there is one. */
export function account(root: HTMLElement, ctx: ViewContext): void {
  const address = ctx.params[0] ?? '';
  const refresher = present(root, ctx, {
    what: `account ${address}`,
    minIntervalMs: 2_000,
    load: async (signal) => {
      const [acct, isWorker] = await Promise.all([
        api.account(address, signal),
        api.worker(address, signal).then(
          () => true,
          (e: unknown) => (e instanceof ApiError && e.notFound ? false : Promise.reject(e)),
        ),
      ]);
      return { acct, isWorker };
    },
    render: ({ acct, isWorker }) => render(root, acct, isWorker),
  });
  ctx.on('block', () => refresher.request());
}

function render(root: HTMLElement, a: AccountModel, isWorker: boolean): void {
  const p = a.proof;
  replace(
    root,
    section(
      'Account',
      fields([
        ['address', mono(a.address)],
        ['balance', amount(a.balance)],
        ['bonded', amount(a.bonded)],
        ['nonce', int(a.nonce)],
        ['worker', isWorker ? link(`/workers/${a.address}`, 'registered worker') : 'no'],
      ]),
      a.unbonding.length
        ? table(
            [
              { title: 'unbonding', class: 'num', cell: (u) => amount(u.amount) },
              { title: 'released at', class: 'num', cell: (u) => blockLink(u.release_height) },
            ],
            a.unbonding,
          )
        : null,
    ),
    section(
      'State proof',
      fields([
        ['at height', blockLink(a.height)],
        ['state root', mono(a.state_root)],
        ['value hash', mono(a.value_hash)],
        ['key', mono(p.key)],
        ['kind', p.leaf_key === null ? 'non-inclusion (empty path)' : p.leaf_key === p.key ? 'inclusion' : 'non-inclusion (another leaf on the path)'],
        ['leaf key', p.leaf_key ? mono(p.leaf_key) : DASH],
        ['leaf value hash', p.leaf_value_hash ? mono(p.leaf_value_hash) : DASH],
        ['siblings', int(p.siblings.length)],
      ]),
      p.siblings.length ? h('ol', { class: 'proof', start: 0 }, ...p.siblings.map((s) => h('li', null, mono(s)))) : notice('No siblings.'),
    ),
  );
}
