using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Pocc.Cli.Common;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Cli.Workers;

/// <summary>
/// Signs and submits one account's transactions with a locally tracked next nonce, so several can be in flight
/// before any is finalized. The nonce starts from the node (the account's, or its mempool-aware next nonce when the
/// node reports one) and is resynchronised when the node says it is too low or leaves a gap; a nonce already taken
/// by another pending transaction of ours is skipped.
/// </summary>
public sealed class TransactionSubmitter : IDisposable
{
    /// <summary>How many times one submission re-signs with another nonce before giving up.</summary>
    private const int MaxAttempts = 80;

    private readonly NodeHttpClient _client;
    private readonly KeyPair _key;
    private readonly Amount _fee;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ChainId? _chainId;
    private ulong? _next;

    public TransactionSubmitter(NodeHttpClient client, KeyPair key, Amount fee)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(key);
        _client = client;
        _key = key;
        _fee = fee;
    }

    /// <summary>The nonce the next submission will try, if known.</summary>
    public ulong? NextNonce => _next;

    /// <summary>Signs <paramref name="payload"/> with the next nonce and submits it; returns the accepted transaction.</summary>
    public async Task<SignedTransaction> SubmitAsync(TransactionPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _chainId ??= new ChainId((await _client.GetAsync("/v1/status", cancellationToken).ConfigureAwait(false))["chain_id"]!.GetValue<string>());
            for (int attempt = 1; ; attempt++)
            {
                _next ??= await FetchNextNonceAsync(cancellationToken).ConfigureAwait(false);
                var tx = new Transaction(_chainId, _key.PublicKey, _next.Value, _fee, payload).Sign(_key);
                try
                {
                    await _client.PostJsonAsync("/v1/transactions", new { tx = Convert.ToHexStringLower(tx.Encoded) }, cancellationToken).ConfigureAwait(false);
                    _next++;
                    return tx;
                }
                catch (CliException e) when (attempt < MaxAttempts)
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
    public async Task ResyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _next = null;
        _gate.Release();
    }

    /// <summary>"pending", "finalized", or null when the node knows no such transaction (never seen, or dropped).</summary>
    public async Task<string?> StatusAsync(Hash32 txHash, CancellationToken cancellationToken)
    {
        try
        {
            var lookup = await _client.GetAsync($"/v1/transactions/{txHash}", cancellationToken).ConfigureAwait(false);
            return lookup["status"]?.GetValue<string>();
        }
        catch (CliException e) when (NodeErrors.IsNotFound(e, "tx.not_found"))
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="tx"/> is finalized and returns its height; throws if the node drops it or time runs out.</summary>
    public async Task<ulong> WaitForFinalityAsync(SignedTransaction tx, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            JsonObject? lookup = null;
            try
            {
                lookup = await _client.GetAsync($"/v1/transactions/{tx.Hash}", cancellationToken).ConfigureAwait(false);
            }
            catch (CliException e) when (NodeErrors.IsNotFound(e, "tx.not_found"))
            {
                throw new CliException($"transaction {tx.Hash} (nonce {tx.Transaction.Nonce}) was dropped by the node: it is neither pending nor finalized, so the chain refused it when it came to execute it");
            }
            if (lookup["status"]?.GetValue<string>() == "finalized")
            {
                return lookup["height"]!.GetValue<ulong>();
            }
            if (clock.Elapsed > timeout)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"transaction {tx.Hash} was not finalized within {timeout.TotalSeconds:F0} s"));
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<ulong> FetchNextNonceAsync(CancellationToken cancellationToken)
    {
        var account = await _client.GetAsync($"/v1/accounts/{_key.Address}", cancellationToken).ConfigureAwait(false);
        // A node that knows its mempool may say which nonce follows our pending transactions; otherwise start at the
        // account's nonce and step over pending ones as the mempool refuses them.
        var node = account["next_nonce"] ?? account["nonce"] ?? throw new CliException($"the node's account answer has no nonce: {account.ToJsonString()}");
        return node.GetValue<ulong>();
    }
}
