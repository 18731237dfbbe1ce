using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

/// <summary>The bounds on what an equivocator can make a node keep, and when its further votes count.</summary>
public sealed class RoundVotesTests
{
    private const ulong Power = 10;
    private const ulong Total = 40;
    private static readonly ChainId Chain = new("round-votes-test");
    private static readonly Height H = new(3);
    private readonly Pocc.Core.Crypto.KeyPair[] _keys = [.. Enumerable.Range(0, 4).Select(i => TestKeys.Of($"rv-{i}"))];

    private Vote Prevote(int who, Hash32? value) => Vote.Sign(Chain, VoteType.Prevote, H, 0, value, _keys[who]);

    private static Hash32 Value(int i) => Blake3Hash.Of(BitConverter.GetBytes(i));

    [Fact]
    public void An_equivocator_gets_two_values_counted_then_a_bounded_number_held_then_nothing()
    {
        var votes = new RoundVotes();
        var results = Enumerable.Range(0, 2 + RoundVotes.MaxHeldPerValidator + 3).Select(i => votes.Add(Prevote(0, Value(i)), Power, Total)).ToArray();

        Assert.Equal(AddVoteResult.Added, results[0]);
        Assert.Equal(AddVoteResult.Conflicting, results[1]);
        Assert.All(results[2..(2 + RoundVotes.MaxHeldPerValidator)], r => Assert.Equal(AddVoteResult.Held, r));
        Assert.All(results[(2 + RoundVotes.MaxHeldPerValidator)..], r => Assert.Equal(AddVoteResult.TooManyConflicting, r));
        Assert.Equal((UInt128)Power, votes.TotalPower);
        Assert.Equal((UInt128)0, votes.PowerFor(Value(2)));
        Assert.Equal(AddVoteResult.Duplicate, votes.Add(Prevote(0, Value(3)), Power, Total));
        Assert.True(votes.Contains(Prevote(0, Value(3))));
        Assert.False(votes.Contains(Prevote(0, Value(2 + RoundVotes.MaxHeldPerValidator))));
    }

    [Fact]
    public void A_held_vote_counts_once_its_value_crosses_a_third_and_appears_in_the_commit_signatures()
    {
        var votes = new RoundVotes();
        votes.Add(Prevote(0, Value(100)), Power, Total);
        votes.Add(Prevote(0, Value(101)), Power, Total);
        Assert.Equal(AddVoteResult.Held, votes.Add(Prevote(0, Value(7)), Power, Total));

        votes.Add(Prevote(1, Value(7)), Power, Total);
        Assert.Equal((UInt128)Power, votes.PowerFor(Value(7)));
        votes.Add(Prevote(2, Value(7)), Power, Total);

        // 20 of 40 is more than a third: the held vote joins, once.
        Assert.Equal((UInt128)(3 * Power), votes.PowerFor(Value(7)));
        Assert.Equal(3, votes.SignaturesFor(Value(7)).Count);
        Assert.Equal((UInt128)(3 * Power), votes.TotalPower);
        Assert.Equal(AddVoteResult.Duplicate, votes.Add(Prevote(0, Value(7)), Power, Total));
    }

    [Fact]
    public void When_the_held_votes_are_full_a_vote_for_a_better_supported_value_evicts_the_weakest()
    {
        var votes = new RoundVotes();
        votes.Add(Prevote(0, Value(100)), Power, Total);
        votes.Add(Prevote(0, Value(101)), Power, Total);
        for (int i = 0; i < RoundVotes.MaxHeldPerValidator; i++)
        {
            Assert.Equal(AddVoteResult.Held, votes.Add(Prevote(0, Value(i)), Power, Total));
        }
        votes.Add(Prevote(1, Value(50)), Power, Total);

        // Value 50 has v1's 10, every held value has 0: one of those makes room for it.
        Assert.Equal(AddVoteResult.Held, votes.Add(Prevote(0, Value(50)), Power, Total));
        votes.Add(Prevote(2, Value(50)), Power, Total);
        Assert.Equal((UInt128)(3 * Power), votes.PowerFor(Value(50)));
    }
}
