import './style.css';
import { api } from './api';
import { h, replace } from './dom';
import { ago, int, time } from './format';
import { Live } from './live';
import { startRouter, type Route } from './router';
import { account } from './views/account';
import { block } from './views/block';
import { blocks } from './views/blocks';
import { overview } from './views/overview';
import { task } from './views/task';
import { tasks } from './views/tasks';
import { transaction } from './views/transaction';
import { validators } from './views/validators';
import { worker, workers } from './views/workers';

const routes: Route[] = [
  { pattern: /^\/?$/, view: overview, nav: '/' },
  { pattern: /^\/blocks\/?$/, view: blocks, nav: '/blocks' },
  { pattern: /^\/blocks\/([^/]+)$/, view: block, nav: '/blocks' },
  { pattern: /^\/tx\/([^/]+)$/, view: transaction, nav: '/blocks' },
  { pattern: /^\/tasks\/?$/, view: tasks, nav: '/tasks' },
  { pattern: /^\/tasks\/([^/]+)$/, view: task, nav: '/tasks' },
  { pattern: /^\/workers\/?$/, view: workers, nav: '/workers' },
  { pattern: /^\/workers\/([^/]+)$/, view: worker, nav: '/workers' },
  { pattern: /^\/validators\/?$/, view: validators, nav: '/validators' },
  { pattern: /^\/accounts\/([^/]+)$/, view: account, nav: '' },
];

const navItems: [string, string][] = [
  ['/', 'Overview'],
  ['/blocks', 'Blocks'],
  ['/tasks', 'Tasks'],
  ['/workers', 'Workers'],
  ['/validators', 'Validators'],
];

/** Where a search goes: a block height, a task ('#12'), a 64-hex hash (a block's if there is one, else a transaction's), an address. */
async function searchRoute(text: string): Promise<string | null> {
  const q = text.trim();
  if (/^\d+$/.test(q)) return `/blocks/${q}`;
  const taskId = /^(?:task\s*#?|#)\s*(\d+)$/i.exec(q);
  if (taskId) return `/tasks/${taskId[1]}`;
  if (/^[0-9a-f]{64}$/i.test(q)) {
    const hash = q.toLowerCase();
    const isBlock = await api.block(hash, false).then(() => true, () => false);
    return isBlock ? `/blocks/${hash}` : `/tx/${hash}`;
  }
  if (/^pocc1[02-9ac-hj-np-z]+$/i.test(q)) return `/accounts/${q.toLowerCase()}`;
  return null;
}

const live = new Live();

const connection = h('span', { class: 'connection', 'data-testid': 'connection' }, 'reconnecting');
const headHeight = h('span', { 'data-testid': 'head-height' }, '–');
const chainId = h('span', { class: 'chain-id' });
const banner = h('div', { class: 'banner', hidden: true, role: 'status' });
const navLinks = navItems.map(([route, label]) => h('a', { href: `#${route}`, 'data-nav': route }, label));
const searchInput = h('input', { type: 'search', placeholder: 'height, tx hash, #task, pocc1… address', 'aria-label': 'search', spellcheck: 'false' });
const search = h(
  'form',
  {
    class: 'search',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const route = await searchRoute(searchInput.value);
      searchInput.setCustomValidity(route ? '' : 'Enter a block height, a 64-hex transaction hash, #task id or pocc1… address');
      searchInput.reportValidity();
      if (route) location.hash = `#${route}`;
    },
  },
  searchInput,
);
const outlet = h('main');

document.body.replaceChildren(
  h(
    'header',
    null,
    h('a', { class: 'brand', href: '#/' }, 'PoCC'),
    chainId,
    h('nav', { class: 'main-nav' }, ...navLinks),
    search,
    h('span', { class: 'head' }, 'head ', headHeight),
    connection,
  ),
  banner,
  outlet,
);

const paintConnection = (): void => {
  connection.textContent = live.connection;
  connection.className = `connection ${live.connection}`;
  if (live.connection === 'live') {
    banner.hidden = true;
    return;
  }
  const retry = live.retryAt === null ? '' : `; next attempt in ${Math.max(0, Math.ceil((live.retryAt - Date.now()) / 1000))} s`;
  const since = live.lastDataAt === null ? 'No data from the node yet' : `Showing data from ${time(live.lastDataAt)} (${ago(live.lastDataAt)})`;
  replace(banner, h('b', null, 'Node unreachable, reconnecting'), `${retry}. ${since}.`);
  banner.hidden = false;
};
const paintHead = (): void => {
  const height = live.headHeight;
  headHeight.textContent = height === null ? '–' : String(height);
  headHeight.title = height === null ? '' : `height ${int(height)}`;
  chainId.textContent = live.status?.chain_id ?? '';
};
live.on('connection', paintConnection);
live.on('block', paintHead);
live.on('status', paintHead);
// The banner's countdown and "ago" need a clock while reconnecting.
setInterval(() => {
  if (live.connection !== 'live') paintConnection();
}, 1_000);

live.start();
startRouter(outlet, routes, live, (nav) => {
  for (const a of navLinks) a.classList.toggle('active', a.dataset['nav'] === nav);
});
