using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Network.Handshake;

namespace Pocc.Network.Tests.Handshake;

public class HelloTests
{
    [Fact]
    public void Round_trips()
    {
        using var key = KeyPair.FromLabel("hello");
        var hello = new Hello(1, "pocc-devnet", key.PublicKey, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var decoded = Hello.Decode(hello.Encode());
        Assert.Equal(hello.ProtocolVersion, decoded.ProtocolVersion);
        Assert.Equal(hello.ChainId, decoded.ChainId);
        Assert.Equal(hello.NodeKey, decoded.NodeKey);
        Assert.Equal(hello.Nonce, decoded.Nonce);
    }

    [Fact]
    public void Rejects_trailing_bytes_and_overlong_chain_ids()
    {
        using var key = KeyPair.FromLabel("hello");
        var bytes = new Hello(1, "c", key.PublicKey, new byte[32]).Encode();
        Assert.Throws<CodecException>(() => Hello.Decode([.. bytes, 0]));
        var tooLong = new Hello(1, new string('x', Hello.MaxChainIdBytes + 1), key.PublicKey, new byte[32]).Encode();
        Assert.Throws<CodecException>(() => Hello.Decode(tooLong));
    }

    [Fact]
    public void Transcript_differs_by_signer_role()
    {
        using var a = KeyPair.FromLabel("a");
        using var b = KeyPair.FromLabel("b");
        var dialer = new Hello(1, "c", a.PublicKey, new byte[32]);
        var listener = new Hello(1, "c", b.PublicKey, new byte[32]);
        Assert.NotEqual(HandshakeTranscript.Build(true, dialer, listener), HandshakeTranscript.Build(false, dialer, listener));
    }
}
