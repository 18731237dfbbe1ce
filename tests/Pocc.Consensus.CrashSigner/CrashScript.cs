using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.CrashSigner;

/// <summary>What the crash runs share: chain, key, the values they vote on and how long they may run.</summary>
public static class CrashScript
{
    public const int RoundsPerHeight = 3;

    /// <summary>Only matters if the test that should kill the process dies first.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    public static readonly ChainId Chain = new("crash-signer");

    public static readonly KeyPair Key = KeyPair.FromLabel("crash-signer");

    public static readonly Hash32 FavouredValue = Blake3Hash.Of("crash A"u8);

    private static readonly Hash32[] Values = [FavouredValue, Blake3Hash.Of("crash B"u8)];

    /// <summary>One of two values or nil, so conflicts include a value against nil.</summary>
    public static Hash32? PickValue(Random random)
    {
        int pick = random.Next(Values.Length + 1);
        return pick < Values.Length ? Values[pick] : null;
    }
}
