using Microsoft.Extensions.Logging;
using Pocc.Ledger;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// Catching up: a node that sees messages for a later height has missed a decision, so it asks peers for the
/// committed block and applies it, commit verified, instead of waiting for a round that has already ended.
/// </summary>
public sealed partial class ValidatorCore
{
    /// <summary>Part sets that block sync answers may open per height: enough for a few honest peers, bounded against the rest.</summary>
    public const int MaxSyncAnswers = 8;

    private int _syncAnswers;

    /// <summary>Asks peers for the committed block at <paramref name="height"/>, at most once per propose timeout.</summary>
    private void RequestBlock(Height height)
    {
        if (_requestedHeight == height && _time.GetElapsedTime(_requestedAt) < _options.Timeouts.ProposeBase)
        {
            return;
        }
        _requestedHeight = height;
        _requestedAt = _time.GetTimestamp();
        _network.Broadcast(new BlockRequest(height));
    }

    private void AnswerBlockRequest(BlockRequest request)
    {
        var height = request.Requested;
        if (height > _chain.Height || height == Height.Genesis)
        {
            return;
        }
        if (_chain.GetBlock(height) is { } block && _chain.GetCommit(height) is { } commit)
        {
            // The block goes in parts of the round it was decided in, like the proposal that carried it.
            var parts = BlockPartSet.FromBlock(block);
            var parentCommit = height.Value > 1 ? _chain.GetCommit(new Height(height.Value - 1)) : null;
            _network.Reply(request, new BlockResponse(commit, parts.Header, parentCommit));
            foreach (var part in parts.Messages(height, (int)commit.Round))
            {
                _network.Reply(request, part);
            }
        }
    }

    /// <summary>
    /// Collects the parts of the block a peer's commit names (kept like a proposal's, without relaying them), or
    /// catches up at once if that block is here already.
    /// </summary>
    private void OnBlockResponse(BlockResponse response)
    {
        var commit = response.Commit;
        // Only answers to this node's request; a round beyond any a part can name is no real commit (Apply would refuse it).
        if (_requestedHeight != _height || commit.Round > int.MaxValue)
        {
            return;
        }
        if (_blocks.TryGetValue(commit.BlockHash, out var known))
        {
            CatchUp(known.Block, response);
            return;
        }
        var id = new BlockId(commit.BlockHash, response.Parts);
        if (!_partSets.ContainsKey(id) && ++_syncAnswers > MaxSyncAnswers)
        {
            return;
        }
        _syncing[commit.BlockHash] = response;
        TrackParts(id, (int)commit.Round, response.ParentCommit, relay: false);
        TakeEarlyParts(commit.Height, (int)commit.Round);
    }

    private void CatchUp(Block block, BlockResponse response)
    {
        CommittedBlock committed;
        try
        {
            // The block's own commit vouches for the parent commit it names, even where this node's head signers are unknown.
            if (response.ParentCommit is { } parent && parent.Hash == block.Header.LastCommitHash)
            {
                _chain.AdoptLastCommit(parent, block, response.Commit);
            }
            committed = _chain.Apply(block, response.Commit);
        }
        catch (LedgerException e)
        {
            _logger.LogDebug("Refused block {Height} from a peer: {Code} {Reason}", block.Header.Height, e.Code, e.Message);
            return;
        }
        _logger.LogInformation("Caught up to height {Height} with a peer's committed block", committed.Block.Header.Height);
        Finish(committed, []);
    }

    /// <summary>
    /// Still behind (a peer named a later height): asks for this height's block now rather than on the next message,
    /// which may never come when the others are all waiting for this node's votes.
    /// </summary>
    private void RequestBlockIfBehind()
    {
        if (_highestSeen > _height)
        {
            RequestBlock(_height);
        }
    }
}
