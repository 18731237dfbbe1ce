using System.Threading.Channels;
using Pocc.Core.Encoding;
using Pocc.Ledger;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Transactions;
using Pocc.Network;

namespace Pocc.Node.P2p;

/// <summary>
/// Transaction gossip: every transaction the pool admits (from the API or from a peer) is broadcast once, in batches
/// of what is waiting; received batches go through the pool's own admission. The pool admits a transaction once, so
/// a relayed one comes back only as a duplicate and nothing loops. An undecodable batch or a bad signature costs the
/// sender score; a transaction merely stale or already known is dropped quietly.
/// </summary>
public sealed class TransactionGossip : BackgroundService
{
    /// <summary>Admitted transactions waiting to be sent; beyond this the newest are not gossiped (the API still has them).</summary>
    public const int OutboxCapacity = 20_000;

    private readonly TransactionPool _pool;
    private readonly IPeerTransport _transport;
    private readonly ILogger<TransactionGossip> _logger;
    private readonly Channel<SignedTransaction> _outbox = Channel.CreateBounded<SignedTransaction>(
        new BoundedChannelOptions(OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <param name="transport">The dispatcher's route for <see cref="TransactionBatchCodec.MessageType"/>.</param>
    public TransactionGossip(TransactionPool pool, IPeerTransport transport, ILogger<TransactionGossip> logger)
    {
        _pool = pool;
        _transport = transport;
        _logger = logger;
        _pool.Admitted += OnAdmitted;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => SendAsync(stoppingToken), CancellationToken.None), Task.Run(() => ReceiveAsync(stoppingToken), CancellationToken.None));

    public override void Dispose()
    {
        _pool.Admitted -= OnAdmitted;
        base.Dispose();
    }

    private void OnAdmitted(SignedTransaction tx) => _outbox.Writer.TryWrite(tx);

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var batch = new List<SignedTransaction>(TransactionBatchCodec.MaxTransactions);
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Whatever piled up while the last batch went out goes in the next: batches grow with the load, no timer.
                while (batch.Count < TransactionBatchCodec.MaxTransactions && _outbox.Reader.TryRead(out var tx))
                {
                    batch.Add(tx);
                }
                _transport.Broadcast(TransactionBatchCodec.MessageType, TransactionBatchCodec.Encode(batch));
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _transport.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Receive(message);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Admits one received batch; public so tests can drive it without a socket.</summary>
    public void Receive(NetworkMessage message)
    {
        IReadOnlyList<SignedTransaction> transactions;
        try
        {
            transactions = TransactionBatchCodec.Decode(message.Payload.Span);
        }
        catch (CodecException e)
        {
            _logger.LogWarning("Dropping an undecodable transaction batch from peer {Peer}: {Reason}", message.From, e.Message);
            _transport.ReportInvalidMessage(message.From, $"undecodable transaction batch: {e.Message}");
            return;
        }
        var errors = _pool.AddBatch(transactions);
        if (Array.FindIndex(errors, e => e?.Code == LedgerErrors.BadSignature) is int bad and >= 0)
        {
            _logger.LogWarning("Peer {Peer} sent {Tx} with a bad signature", message.From, transactions[bad].Hash);
            _transport.ReportInvalidMessage(message.From, $"transaction {transactions[bad].Hash} has a bad signature");
        }
    }
}
