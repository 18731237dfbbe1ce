namespace Pocc.Ledger.Mempool;

/// <summary>Bounds on what the mempool holds, so no client can make a node run out of memory.</summary>
public sealed record MempoolOptions
{
    public int MaxTransactions { get; init; } = 200_000;

    public long MaxBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>How far ahead of its account's next nonce a sender may queue transactions.</summary>
    public int MaxPerSender { get; init; } = 1_000;

    /// <summary>A transaction not included after this many blocks is dropped (it is stuck behind a gap or underpriced).</summary>
    public ulong TimeToLiveBlocks { get; init; } = 600;

    /// <summary>A replacement (same sender and nonce) must raise the fee by at least this percentage.</summary>
    public ulong ReplacementFeeBumpPercent { get; init; } = 10;
}
