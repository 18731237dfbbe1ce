using Microsoft.Extensions.Logging;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;

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
    private readonly List<BlockPartMessage> _earlyParts = [];
    // The machine decided a block whose parts were still coming.
    private CommitDecision? _undecided;

    private void ClearParts()
    {
        _partSets.Clear();
        _roundParts.Clear();
        _awaitingBlock.Clear();
        _undecided = null;
        _earlyParts.RemoveAll(part => part.Height <= _chain.Height);
    }

    /// <summary>Starts collecting the parts of an accepted <paramref name="proposal"/> (its own, or one this node sent).</summary>
    private void ExpectParts(Proposal proposal, Commit? parentCommit)
    {
        var id = new BlockId(proposal);
        if (!_partSets.ContainsKey(id))
        {
            _partSets[id] = new PartSetEntry(new BlockPartSet(proposal.Parts), parentCommit);
        }
        if (!_roundParts.TryGetValue(proposal.Round, out var ids))
        {
            _roundParts[proposal.Round] = ids = [];
        }
        if (!ids.Contains(id))
        {
            ids.Add(id);
        }
    }

    /// <summary>Handles the parts of <paramref name="proposal"/>'s round that came before it.</summary>
    private void TakeEarlyParts(Proposal proposal)
    {
        var early = _earlyParts.FindAll(part => part.Height == proposal.Height && part.Round == proposal.Round);
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
                    _network.Broadcast(part);
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
    /// if the machine already decided it). Parts that do not make the signed block are a faulty proposer's: the block
    /// never arrives, so this node prevotes nil at the propose timeout. The hash is not marked invalid, since a faulty
    /// proposer could sign bad parts for an honest block's hash.
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

    private sealed record PartSetEntry(BlockPartSet Set, Commit? ParentCommit);
}
