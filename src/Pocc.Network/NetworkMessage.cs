namespace Pocc.Network;

/// <summary>One received frame: who sent it (authenticated by the handshake), its message type and its opaque payload.</summary>
public readonly record struct NetworkMessage(PeerId From, byte Type, ReadOnlyMemory<byte> Payload);
