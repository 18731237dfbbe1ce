using System.Collections.Concurrent;
using Pocc.Core.Crypto;

namespace Pocc.Node.Tests.Builders;

/// <summary>Deterministic labelled keys (seed = BLAKE3(label)), made once per label and shared by every test.</summary>
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<string, KeyPair> Cache = new();

    /// <summary>How many accounts every test node's genesis funds.</summary>
    public const int FundedCount = 96;

    public static KeyPair Of(string label) => Cache.GetOrAdd(label, KeyPair.FromLabel);

    public static KeyPair Validator => Of("validator");

    /// <summary>The i-th account funded at genesis (0 ≤ i &lt; <see cref="FundedCount"/>).</summary>
    public static KeyPair Funded(int index) => Of($"funded-{index}");

    /// <summary>A key that no genesis funds and no test uses as a sender: a fresh recipient or unknown account.</summary>
    public static KeyPair Stranger(string label) => Of($"stranger-{label}");
}
