using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Client.Transactions;

/// <summary>
/// Signs and submits one account's transactions with a locally tracked next nonce, so several can be in flight
/// before any is finalized. The nonce starts from the account's on the node and is resynchronised when the node says
/// it is too low or leaves a gap; a nonce already taken by another pending transaction of ours is skipped. The chain
/// id is asked from the node once. Safe to share between tasks: submissions are serialised.
/// </summary>
public sealed class TransactionSubmitter : IDisposable
{
    /// <summary>How many times one submission re-signs with another nonce before giving up.</summary>
    private const int MaxAttempts = 80;

    private readonly KeyPair _key;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ChainId? _chainId;
    private ulong? _next;

    /// <param name="client">The node to submit to (not disposed by the submitter).</param>
    /// <param name="key">The account's key (not disposed by the submitter).</param>
    /// <param name="fee">The fee of every transaction it sends.</param>
    public TransactionSubmitter(PoccClient client, KeyPair key, Amount fee)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(key);
        Client = client;
        _key = key;
        Fee = fee;
    }

    /// <summary>The node transactions go to.</summary>
    public PoccClient Client { get; }

    /// <summary>The signing account.</summary>
    public Core.Addressing.Address Address => _key.Address;

    /// <summary>The fee of each transaction.</summary>
    public Amount Fee { get; }

    /// <summary>
    /// Signs <paramref name="payload"/> with the next nonce and submits it; returns the transaction the node accepted
    /// into its mempool. A refusal other than a nonce conflict throws <see cref="PoccApiException"/>.
    /// </summary>
    public async Task<SignedTransaction> SubmitAsync(TransactionPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _chainId ??= new ChainId((await Client.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ChainId);
            for (int attempt = 1; ; attempt++)
            {
                _next ??= (await Client.GetAccountAsync(_key.Address, cancellationToken).ConfigureAwait(false)).Nonce;
                var tx = new Transaction(_chainId, _key.PublicKey, _next.Value, Fee, payload).Sign(_key);
                try
                {
                    await Client.SubmitTransactionAsync(tx, cancellationToken).ConfigureAwait(false);
                    _next++;
                    return tx;
                }
                catch (PoccApiException e) when (attempt < MaxAttempts)
                {
                    switch (e.Code)
                    {
                        case LedgerErrors.Duplicate:
                            // This very transaction is already pending (an earlier answer was lost): it was submitted.
                            _next++;
                            return tx;
                        case LedgerErrors.NonceTooLow or LedgerErrors.NonceGap:
                            _next = null;
                            break;
                        case LedgerErrors.FeeTooLowToReplace:
                            // Another transaction of ours holds this nonce in the mempool; take the next one.
                            _next++;
                            break;
                        default:
                            throw;
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the local nonce; the next submission asks the node again (after a transaction was dropped).</summary>
    public async Task ResyncAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _next = null;
        _gate.Release();
    }

    /// <summary>"pending", "finalized", or null when the node knows no such transaction (never seen, or dropped).</summary>
    public async Task<string?> StatusAsync(Hash32 transactionHash, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await Client.GetTransactionAsync(transactionHash, cancellationToken).ConfigureAwait(false)).Status;
        }
        catch (PoccApiException e) when (e.IsNotFound && e.Code == ApiErrorCodes.TransactionNotFound)
        {
            return null;
        }
    }

    /// <summary>Releases the submission lock; the client and the key are the caller's.</summary>
    public void Dispose() => _gate.Dispose();
}
