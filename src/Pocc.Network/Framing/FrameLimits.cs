namespace Pocc.Network.Framing;

/// <summary>
/// The largest payload accepted per message type, checked against the frame header before the body is read,
/// so a peer cannot make us buffer more than the limit of the type it claims.
/// </summary>
public sealed class FrameLimits
{
    /// <summary>4 MiB: a block part or a blob chunk fits; anything larger must be split by the layer above.</summary>
    public const int DefaultGlobalMax = 4 * 1024 * 1024;

    private readonly int[] _max = new int[256];

    /// <param name="globalMax">The limit for every type without its own.</param>
    /// <param name="perType">Tighter limits for some types (a vote is tiny; a block part is not). Capped at <paramref name="globalMax"/>.</param>
    public FrameLimits(int globalMax, IReadOnlyDictionary<byte, int>? perType = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(globalMax);
        GlobalMax = globalMax;
        Array.Fill(_max, globalMax);
        foreach (var (type, max) in perType ?? new Dictionary<byte, int>())
        {
            ArgumentOutOfRangeException.ThrowIfNegative(max);
            _max[type] = Math.Min(max, globalMax);
        }
    }

    public static FrameLimits Default { get; } = new(DefaultGlobalMax);

    public int GlobalMax { get; }

    public int MaxFor(byte type) => _max[type];
}
