using Pocc.Core.Addressing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Node.Api;

namespace Pocc.Node.Telemetry;

/// <summary>
/// Each validator's proposals and missed commit signatures over the last <see cref="Window"/> blocks. A validator
/// "missed" a block when it was in the validator set at the time the block was recorded and the block's commit does
/// not carry its signature. Blocks from before this process started are judged against the set at start-up.
/// </summary>
public sealed class ValidatorActivity
{
    public const int Window = 1_000;

    private readonly Blockchain _chain;
    private readonly Lock _lock = new();
    private readonly Queue<(ulong Height, Address Proposer, Address[] Missed)> _blocks = new(Window);
    private readonly Dictionary<Address, ulong> _proposals = [];
    private readonly Dictionary<Address, ulong> _missed = [];

    public ValidatorActivity(Blockchain chain)
    {
        _chain = chain;
        ulong head = chain.Height.Value;
        var members = chain.GetValidatorSet().Members.Select(m => m.Address).ToArray();
        for (ulong height = head > Window ? head - Window + 1 : 1; height <= head; height++)
        {
            if (chain.GetHeader(new Height(height)) is { } header && chain.GetCommit(header.Height) is { } commit)
            {
                Add(header, commit, members);
            }
        }
    }

    public void Record(CommittedBlock committed) =>
        Add(committed.Block.Header, committed.Commit, [.. _chain.GetValidatorSet().Members.Select(m => m.Address)]);

    public ValidatorListModel Snapshot()
    {
        var set = _chain.GetValidatorSet();
        lock (_lock)
        {
            ulong from = _blocks.Count == 0 ? 0 : _blocks.Peek().Height;
            ulong to = _blocks.Count == 0 ? 0 : from + (ulong)_blocks.Count - 1;
            var validators = set.Members
                .Select(m => new ValidatorModel(m.Address.ToString(), m.PublicKey.ToString(), ApiMapping.Amount(_chain.GetAccount(m.Address).Bonded),
                    m.Power, set.TotalPower == 0 ? 0 : Math.Round((double)m.Power / set.TotalPower, 6),
                    _proposals.GetValueOrDefault(m.Address), _missed.GetValueOrDefault(m.Address)))
                .OrderByDescending(v => v.VotingPower).ThenBy(v => v.Address, StringComparer.Ordinal)
                .ToList();
            return new ValidatorListModel(from, to, set.TotalPower, validators);
        }
    }

    private void Add(BlockHeader header, Commit commit, Address[] members)
    {
        var signers = commit.Signatures.Select(s => s.Validator).ToHashSet();
        var missed = members.Where(m => !signers.Contains(m)).ToArray();
        lock (_lock)
        {
            if (_blocks.Count == Window)
            {
                var (_, oldProposer, oldMissed) = _blocks.Dequeue();
                Decrement(_proposals, oldProposer);
                foreach (var address in oldMissed)
                {
                    Decrement(_missed, address);
                }
            }
            _blocks.Enqueue((header.Height.Value, header.Proposer, missed));
            _proposals[header.Proposer] = _proposals.GetValueOrDefault(header.Proposer) + 1;
            foreach (var address in missed)
            {
                _missed[address] = _missed.GetValueOrDefault(address) + 1;
            }
        }
    }

    private static void Decrement(Dictionary<Address, ulong> counts, Address address)
    {
        if (counts.TryGetValue(address, out var count))
        {
            if (count <= 1)
            {
                counts.Remove(address);
            }
            else
            {
                counts[address] = count - 1;
            }
        }
    }
}
