using Microsoft.Extensions.Logging;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// Catching up: a node that sees messages for a later height has missed a decision, so it asks peers for the
/// committed block and applies it, commit verified, instead of waiting for a round that has already ended.
/// </summary>
public sealed partial class ValidatorCore
{
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
            var parentCommit = height.Value > 1 ? _chain.GetCommit(new Height(height.Value - 1)) : null;
            _network.Reply(request, new BlockResponse(block, commit, parentCommit));
        }
    }

    private void CatchUp(BlockResponse response)
    {
        CommittedBlock committed;
        try
        {
            // The block's own commit vouches for the parent commit it names, even where this node's head signers are unknown.
            if (response.ParentCommit is { } parent && parent.Hash == response.Block.Header.LastCommitHash)
            {
                _chain.AdoptLastCommit(parent, response.Block, response.Commit);
            }
            committed = _chain.Apply(response.Block, response.Commit);
        }
        catch (LedgerException e)
        {
            _logger.LogDebug("Refused block {Height} from a peer: {Code} {Reason}", response.Block.Header.Height, e.Code, e.Message);
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
