using Pocc.Core.Crypto;

namespace Pocc.Network;

/// <summary>A peer is its node key: proven by the handshake, so bans and scores follow the key, not the IP address.</summary>
public readonly record struct PeerId(PublicKey Key)
{
    /// <summary>The first 8 bytes of the key in hex: enough to tell peers apart in logs.</summary>
    public override string ToString() => Key.ToString()[..16];

    /// <summary>Orders keys by their bytes; the duplicate-connection tie-break depends on it.</summary>
    internal int CompareTo(PeerId other) => Key.Bytes.SequenceCompareTo(other.Key.Bytes);
}
