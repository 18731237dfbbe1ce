using Microsoft.Extensions.Logging;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// Proposed blocks travel in parts (CometBFT's block parts): a proposal signs the block's hash and its
/// <see cref="PartSetHeader"/>, and each <see cref="BlockPartMessage"/> is checked against that header's Merkle root
/// before it is kept or relayed, so no message is larger than one part and a bad part is caught, and its sender scored
/// down, on arrival. Parts are kept only for proposals the machine accepted at the current height; the block reaches
/// the machine's validation only once its parts decode to the hash the proposal signs.
/// </summary>
public sealed partial class ValidatorCore
{
    /// <summary>Parts kept while their proposal (or height) has not arrived yet: a few blocks' worth, then dropped (a resend or relay brings them).</summary>
    public const int MaxEarlyParts = 256;

    // This height's part sets: of accepted proposals (filling) and of blocks at hand (complete), by what the proposals name.
    private readonly Dictionary<BlockId, PartSetEntry> _partSets = [];
    // The part sets of each round's accepted proposals (at most HeightMessages.MaxProposalsPerRound), for placing a part.
    private readonly Dictionary<int, List<BlockId>> _roundParts = [];
    // Blocks the machine asked to validate before their parts were all here.
    private readonly HashSet<Hash32> _awaitingBlock = [];
    // Peers' answers to this node's block request, by the block their commit names, waiting for its parts.
    private readonly Dictionary<Hash32, BlockResponse> _syncing = [];
    private readonly List<BlockPartMessage> _earlyParts = [];
    // The machine decided a block whose parts were still coming.
    private CommitDecision? _undecided;

    private void ClearParts()
    {
        _partSets.Clear();
        _roundParts.Clear();
        _awaitingBlock.Clear();
        _syncing.Clear();
        _syncAnswers = 0;
        _undecided = null;
        _earlyParts.RemoveAll(part => part.Height <= _chain.Height);
    }

    /// <summary>Starts collecting the parts of an accepted <paramref name="proposal"/> (its own, or one this node sent).</summary>
    private void ExpectParts(Proposal proposal, Commit? parentCommit) =>
        TrackParts(new BlockId(proposal), proposal.Round, parentCommit, relay: true);

    /// <summary>
    /// Keeps the parts of <paramref name="id"/> that arrive for <paramref name="round"/>; they are relayed once any
    /// accepted proposal names them (block sync answers go to the asker alone).
    /// </summary>
    private void TrackParts(BlockId id, int round, Commit? parentCommit, bool relay)
    {
        if (!_partSets.TryGetValue(id, out var entry))
        {
            _partSets[id] = entry = new PartSetEntry(new BlockPartSet(id.Parts), parentCommit);
        }
        entry.Relay |= relay;
        if (!_roundParts.TryGetValue(round, out var ids))
        {
            _roundParts[round] = ids = [];
        }
        if (!ids.Contains(id))
        {
            ids.Add(id);
        }
    }

    /// <summary>Handles the parts of a round that came before its proposal (or block sync answer).</summary>
    private void TakeEarlyParts(Height height, int round)
    {
        var early = _earlyParts.FindAll(part => part.Height == height && part.Round == round);
        _earlyParts.RemoveAll(early.Contains);
        foreach (var part in early)
        {
            OnMessage(part);
        }
    }

    private void OnPart(BlockPartMessage part)
    {
        if (!_roundParts.TryGetValue(part.Round, out var ids))
        {
            KeepEarly(part);
            return;
        }
        bool duplicate = false;
        string? reason = null;
        foreach (var id in ids)
        {
            var entry = _partSets[id];
            switch (entry.Set.Add(part, out string? why))
            {
                case PartVerdict.Added:
                    // Passed on once, when first kept: what one honest validator has every honest one gets.
                    if (entry.Relay)
                    {
                        _network.Broadcast(part);
                    }
                    if (entry.Set.IsComplete)
                    {
                        Assemble(id, entry);
                    }
                    return;
                case PartVerdict.Duplicate:
                    duplicate = true;
                    break;
                default:
                    reason ??= why;
                    break;
            }
        }
        if (!duplicate)
        {
            _network.ReportInvalid(part, $"height {part.Height} round {part.Round}: {reason}");
        }
    }

    /// <summary>
    /// Decodes a complete part set; a block whose hash is the one its proposal signs goes to validation (and to commit,
    /// if the machine already decided it, or a peer's commit of it came by block sync). Parts that do not make the
    /// signed block are a faulty proposer's: the block never arrives, so this node prevotes nil at the propose timeout.
    /// The hash is not marked invalid, since a faulty proposer could sign bad parts for an honest block's hash.
    /// </summary>
    private void Assemble(BlockId id, PartSetEntry entry)
    {
        var block = entry.Set.Decode();
        if (block is null || block.Hash != id.Hash)
        {
            _logger.LogWarning("Parts {Root} at height {Height} do not make the block {Hash} their proposal signs", id.Parts.Root, _height, id.Hash);
            return;
        }
        _logger.LogDebug("Block {Hash} made from its {Total} parts", id.Hash, id.Parts.Total);
        _blocks.TryAdd(id.Hash, new Candidate(block, entry.ParentCommit, id.Parts));
        if (_awaitingBlock.Remove(id.Hash))
        {
            _followUps.Enqueue(new ProposalValidated(_height, id.Hash, IsValid(id.Hash)));
        }
        if (_undecided is { } decision && decision.BlockHash == id.Hash)
        {
            _undecided = null;
            CommitDecided(decision);
        }
        else if (_syncing.Remove(id.Hash, out var response))
        {
            CatchUp(block, response);
        }
    }

    private void KeepEarly(BlockPartMessage part)
    {
        if (_earlyParts.Count < MaxEarlyParts)
        {
            _earlyParts.Add(part);
        }
    }

    private void SendParts(Proposal proposal, BlockPartSet parts)
    {
        foreach (var part in parts.Messages(proposal.Height, proposal.Round))
        {
            _network.Broadcast(part);
        }
    }

    /// <summary>What a proposal names: a block hash and the parts that make it (CometBFT's block id).</summary>
    private readonly record struct BlockId(Hash32 Hash, PartSetHeader Parts)
    {
        public BlockId(Proposal proposal) : this(proposal.BlockHash, proposal.Parts)
        {
        }
    }

    private sealed class PartSetEntry(BlockPartSet set, Commit? parentCommit)
    {
        public BlockPartSet Set { get; } = set;

        public Commit? ParentCommit { get; } = parentCommit;

        public bool Relay { get; set; }
    }
}
