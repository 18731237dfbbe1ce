using System.Net;
using Pocc.Core.Crypto;

namespace Pocc.Network.Peers;

/// <summary>A peer we keep dialling; with <paramref name="ExpectedKey"/> set, any other key at that address is refused.</summary>
public sealed record PersistentPeer(EndPoint EndPoint, PublicKey? ExpectedKey = null);
