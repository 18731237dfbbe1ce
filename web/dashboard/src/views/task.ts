import { api, type TaskModel } from '../api';
import { accountLink, blockLink, outcomeText, stateBadge, workerLink } from '../components';
import { type Child, fields, h, mono, replace, section } from '../dom';
import { DASH, amount, bytes, fixed, flop, int } from '../format';
import { present, type ViewContext } from '../view';

/** One task's whole record; it refetches whenever a block changes it. */
export function task(root: HTMLElement, ctx: ViewContext): void {
  const id = ctx.params[0] ?? '';
  const refresher = present(root, ctx, {
    what: `task ${id}`,
    load: (signal) => api.task(id, signal),
    render: (t) => render(root, t),
  });
  ctx.on('block', (event) => {
    if (event.tasks.some((t) => String(t.id) === id)) refresher.request();
  });
}

function render(root: HTMLElement, t: TaskModel): void {
  const stark = t.policy === 'stark';
  replace(
    root,
    section(
      h('span', null, `Task #${t.id} `, stateBadge(t.state)),
      fields([
        ['state', h('span', { 'data-testid': 'task-state' }, t.state)],
        ['outcome', h('span', { 'data-testid': 'task-outcome', 'data-outcome': t.outcome }, outcomeText(t.outcome))],
        ['kind', t.kind],
        stark
          ? ['steps', int(t.rows)]
          : ['sizes', `${int(t.rows)} × ${int(t.inner)} · ${int(t.inner)} × ${int(t.columns)} → ${int(t.rows)} × ${int(t.columns)}`],
        stark
          ? ['compute', `${int(t.compute_units)} field operations (per step × steps)`]
          : ['compute', `${flop(t.compute_units)} (${int(t.compute_units)} units, 2·m·k·n)`],
        ['fee', amount(t.fee)],
        ['requester', accountLink(t.requester)],
        ['worker', workerLink(t.worker)],
        ['attempts', int(t.attempts)],
      ]),
    ),
    section('Verification', fields(stark ? starkVerification(t) : freivaldsVerification(t))),
    section(
      'Heights',
      fields([
        ['posted', blockLink(t.posted_height)],
        ['assigned', blockLink(t.assigned_height)],
        ['deadline', t.assigned_height > 0 ? `${int(t.assigned_height + t.deadline_blocks)} (${int(t.deadline_blocks)} blocks after assignment)` : `${int(t.deadline_blocks)} blocks after assignment`],
        ['committed', blockLink(t.commit_height)],
        ['closed', blockLink(t.closed_height)],
      ]),
    ),
  );
}

type Field = [string, Child];

const resultFields = (t: TaskModel): Field[] => [
  ['result root', t.result ? mono(t.result.root) : DASH],
  ['result size', t.result ? bytes(t.result.size) : DASH],
];

function freivaldsVerification(t: TaskModel): Field[] {
  const exact = t.kind.endsWith('mod61');
  return [
    ['policy', 'Freivalds'],
    ['soundness', t.soundness_bits > 0 ? `${int(t.soundness_bits)} bits (error ≤ 2^−${t.soundness_bits})` : DASH],
    ['Freivalds rounds', int(t.rounds)],
    ['arithmetic', exact ? 'exact, modulo 2^61 − 1' : `float64, tolerance ${fixed(t.tolerance_ppb / 1e9, 9)} relative (${int(t.tolerance_ppb)} ppb)`],
    ['redundancy', int(t.redundancy)],
    ['challenge seed', t.challenge_seed ? mono(t.challenge_seed) : h('span', { class: 'muted' }, 'not yet (fixed by the block that records the commitment)')],
    ...resultFields(t),
    ['input A', h('span', null, mono(t.input_a.root), ` (${bytes(t.input_a.size)})`)],
    ['input B', h('span', null, mono(t.input_b.root), ` (${bytes(t.input_b.size)})`)],
  ];
}

function starkVerification(t: TaskModel): Field[] {
  return [
    ['policy', 'STARK: validators check the proof in the result blob, without re-running the computation'],
    ['security', `at least ${int(t.soundness_bits)} bits, conjectured`],
    ...resultFields(t),
    ['inputs', h('span', null, mono(t.input_a.root), ` (${bytes(t.input_a.size)})`)],
  ];
}
