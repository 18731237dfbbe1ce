import { api } from '../api';
import { accountLink, blockLink } from '../components';
import { h, mono, replace, section, table } from '../dom';
import { amount, int, percent, short } from '../format';
import { notice, present, type ViewContext } from '../view';

export function validators(root: HTMLElement, ctx: ViewContext): void {
  const body = h('div');
  replace(root, section('Validators', body));
  const refresher = present(body, ctx, {
    what: '/v1/validators',
    minIntervalMs: 3_000,
    load: (signal) => api.validators(signal),
    render: (v) =>
      replace(
        body,
        h(
          'p',
          { class: 'muted' },
          `Total voting power ${int(v.total_voting_power)}. Proposals and missed votes over the window of blocks `,
          blockLink(v.from_height),
          '–',
          blockLink(v.to_height),
          ` (${int(v.to_height - v.from_height + 1)} blocks).`,
        ),
        v.validators.length
          ? table(
              [
                { title: 'validator', cell: (x) => accountLink(x.address) },
                { title: 'public key', cell: (x) => mono(x.public_key, short(x.public_key, 10, 6)) },
                { title: 'voting power', class: 'num', cell: (x) => int(x.voting_power) },
                {
                  title: 'share',
                  cell: (x) => h('span', { class: 'share' }, h('span', { class: 'share-bar', style: `width: ${(x.voting_share * 100).toFixed(2)}%` }), percent(x.voting_share, 2)),
                },
                { title: 'bonded', class: 'num', cell: (x) => amount(x.bonded) },
                { title: 'proposals', class: 'num', cell: (x) => int(x.proposals) },
                { title: 'missed votes', class: 'num', cell: (x) => h('span', { class: x.missed_votes ? 'bad' : null }, int(x.missed_votes)) },
              ],
              v.validators,
              (x) => ({ 'data-testid': 'validator-row', 'data-address': x.address }),
            )
          : notice('No bonded validators.'),
      ),
  });
  ctx.on('block', () => refresher.request());
}
