using Pocc.Consensus.Tendermint;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.CrashSigner;

/// <summary>
/// What the crash signer signs: every height has <see cref="RoundsPerHeight"/> rounds of a prevote and a precommit,
/// each for a value the run picks at random. A restarted run picks again, so without the guard's memory it would
/// sign values that conflict with the killed run's.
/// </summary>
public static class CrashScript
{
    public const int RoundsPerHeight = 3;

    public static readonly ChainId Chain = new("crash-signer");

    public static readonly KeyPair Key = KeyPair.FromLabel("crash-signer");

    private static readonly Hash32[] Values = [Blake3Hash.Of("crash A"u8), Blake3Hash.Of("crash B"u8)];

    /// <summary>One of two values or nil, so conflicts include a value against nil.</summary>
    public static Hash32? PickValue(Random random)
    {
        int pick = random.Next(Values.Length + 1);
        return pick < Values.Length ? Values[pick] : null;
    }
}
