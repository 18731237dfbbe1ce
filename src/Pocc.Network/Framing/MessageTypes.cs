namespace Pocc.Network.Framing;

/// <summary>
/// Message types 0–15 belong to the transport (the handshake); 16–255 are opaque to it and belong to
/// the layers above (gossip channels, block sync). A peer sending a transport type after the handshake is malformed.
/// </summary>
public static class MessageTypes
{
    public const byte Hello = 0x00;
    public const byte Auth = 0x01;

    /// <summary>The first type an application may use.</summary>
    public const byte FirstApplication = 0x10;

    public static bool IsApplication(byte type) => type >= FirstApplication;
}
