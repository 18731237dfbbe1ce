using BenchmarkDotNet.Attributes;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Transactions;

namespace Pocc.Benchmarks;

/// <summary>
/// Ed25519 over a transfer's signing bytes. The baseline is one raw libsodium verify; against it,
/// <see cref="SignedTransaction.VerifySignature"/> shows what re-encoding the signing bytes costs, and
/// <see cref="TransactionVerifier.VerifyAll"/> (per transaction, on every core) shows the parallel speed-up a block gets.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const int BatchSize = 4_096;

    private KeyPair[] _keys = [];
    private SignedTransaction _transfer = null!;
    private byte[] _signingBytes = [];
    private SignedTransaction[] _batch = [];
    private TransactionVerifier _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Transfers.Keys("signature", 64);
        _batch = Transfers.Sign(_keys, BatchSize);
        _transfer = _batch[0];
        _signingBytes = _transfer.Transaction.SigningBytes();
        _warm = new TransactionVerifier();
        if (Array.IndexOf(_warm.VerifyAll(_batch), false) >= 0)
        {
            throw new InvalidOperationException("a fixture signature does not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Transfers.Dispose(_keys);

    [Benchmark(Baseline = true)]
    public bool Ed25519_Verify() => Ed25519.Verify(_transfer.Transaction.Sender, _signingBytes, _transfer.Signature);

    [Benchmark]
    public Signature Ed25519_Sign() => _keys[0].Sign(_signingBytes);

    [Benchmark]
    public bool SignedTransaction_VerifySignature() => _transfer.VerifySignature();

    // A fresh verifier each time: the verifier remembers what passed, and a warm one would only look ids up.
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public bool[] TransactionVerifier_VerifyAll_4096() => new TransactionVerifier().VerifyAll(_batch);

    // What a block costs a validator whose pool admitted its transactions: every id is remembered, so only looked up.
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public bool[] TransactionVerifier_VerifyAll_remembered_4096() => _warm.VerifyAll(_batch);
}
