import { api, type MerkleProofModel, type TransactionLookupModel } from '../api';
import { accountLink, blockLink } from '../components';
import { fields, h, link, mono, replace, section, table, type Child } from '../dom';
import { DASH, amount, int } from '../format';
import { notice, present, type ViewContext } from '../view';

/** A transaction with its place in a block and the Merkle path from its id to the block's transactions root. */
export function transaction(root: HTMLElement, ctx: ViewContext): void {
  const hash = ctx.params[0] ?? '';
  let pending = false;
  const refresher = present(root, ctx, {
    what: `transaction ${hash}`,
    load: (signal) => api.transaction(hash, signal),
    render: (lookup) => {
      pending = lookup.status !== 'finalized';
      render(root, lookup);
    },
  });
  // A pending transaction is waited for: each block may be the one that includes it.
  ctx.on('block', () => {
    if (pending) refresher.request();
  });
}

function render(root: HTMLElement, l: TransactionLookupModel): void {
  const tx = l.transaction;
  replace(
    root,
    section(
      'Transaction',
      fields([
        ['hash', mono(l.hash)],
        ['status', h('span', { class: l.status === 'finalized' ? 'good' : 'warn' }, l.status)],
        ['block', l.height === null ? DASH : blockLink(l.height)],
        ['index in block', int(l.index)],
        ['block hash', l.block_hash && l.height !== null ? link(`/blocks/${l.height}`, mono(l.block_hash)) : DASH],
        ...(tx
          ? ([
              ['kind', tx.kind],
              ['sender', accountLink(tx.sender)],
              ['public key', mono(tx.public_key)],
              ['nonce', int(tx.nonce)],
              ['fee', amount(tx.fee)],
              ['to', tx.to ? accountLink(tx.to) : DASH],
              ['amount', amount(tx.amount)],
              ['chain id', tx.chain_id],
              ['signature', mono(tx.signature)],
              ['encoded', h('code', { class: 'wrap' }, tx.encoded)],
            ] as [string, Child][])
          : []),
      ]),
      l.status === 'pending' ? notice('In the mempool; this page updates when a block includes it.') : null,
    ),
    l.proof
      ? section(
          'Merkle inclusion proof',
          fields([
            ['transactions root', mono(l.transactions_root)],
            ['leaf', `${int(l.proof.leaf_index)} of ${int(l.proof.leaf_count)}`],
            ['siblings', int(l.proof.siblings.length)],
          ]),
          table(
            [
              { title: 'level', class: 'num', cell: (step) => int(step.level) },
              { title: 'sibling', cell: (step) => (step.sibling === null ? h('span', { class: 'muted' }, 'none: promoted (last node of an odd level)') : mono(step.sibling)) },
              { title: 'side', cell: (step) => step.side },
            ],
            proofPath(l.proof),
          ),
          h(
            'p',
            { class: 'muted small' },
            'From the transaction id up: each level hashes the path node with its sibling (as a domain-tagged BLAKE3 node hash, in the order shown); the last step yields the transactions root in the header, which also commits to the leaf count.',
          ),
        )
      : null,
  );
}

interface ProofStep { level: number; sibling: string | null; side: string }

/** Which side each sibling joins on, level by level, following MerkleProof.Verify in Pocc.Core. */
function proofPath(proof: MerkleProofModel): ProofStep[] {
  const steps: ProofStep[] = [];
  let position = proof.leaf_index;
  let width = proof.leaf_count;
  let used = 0;
  for (let level = 0; width > 1; level++) {
    const promoted = position === width - 1 && width % 2 === 1;
    if (promoted) {
      steps.push({ level, sibling: null, side: DASH });
    } else {
      steps.push({ level, sibling: proof.siblings[used++] ?? null, side: position % 2 === 0 ? 'right: node(path, sibling)' : 'left: node(sibling, path)' });
    }
    position = Math.floor(position / 2);
    width = Math.ceil(width / 2);
  }
  return steps;
}
