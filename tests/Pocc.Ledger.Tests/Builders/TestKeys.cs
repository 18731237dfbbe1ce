using System.Collections.Concurrent;
using Pocc.Core.Crypto;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>Deterministic labelled keys (seed = BLAKE3(label)), made once per label and shared by every test.</summary>
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<string, KeyPair> Cache = new();

    public static KeyPair Of(string label) => Cache.GetOrAdd(label, KeyPair.FromLabel);

    public static KeyPair Alice => Of("alice");
    public static KeyPair Bob => Of("bob");
    public static KeyPair Carol => Of("carol");
    public static KeyPair Dave => Of("dave");
    public static KeyPair ValidatorKey => Of("validator");

    /// <summary>Funded by <see cref="GenesisBuilder.Default"/>.</summary>
    public static readonly string[] FundedLabels = ["alice", "bob", "carol", "dave"];
}
