using System.Diagnostics;
using Pocc.Core.Crypto;

namespace Pocc.Cli.Bench;

/// <summary>
/// The yardstick for transaction throughput: raw libsodium Ed25519 verifications per second in this process,
/// on every core (or one), over messages the size of a transfer's signing bytes. Measured in the same run as
/// the figure it is compared with, because this machine is shared and its speed drifts.
/// </summary>
public static class Ed25519Baseline
{
    public static double VerificationsPerSecond(TimeSpan duration, bool allCores)
    {
        const int distinct = 512;
        var publicKeys = new PublicKey[distinct];
        var messages = new byte[distinct][];
        var signatures = new Signature[distinct];
        for (int i = 0; i < distinct; i++)
        {
            using var key = KeyPair.FromLabel($"baseline-{i}");
            messages[i] = new byte[120];
            BitConverter.TryWriteBytes(messages[i], i);
            publicKeys[i] = key.PublicKey;
            signatures[i] = key.Sign(messages[i]);
        }
        int workers = allCores ? Environment.ProcessorCount : 1;
        long total = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            long count = 0;
            int i = worker;
            while (clock.Elapsed < duration)
            {
                for (int j = 0; j < 64; j++, i = (i + 1) % distinct)
                {
                    if (!Ed25519.Verify(publicKeys[i], messages[i], signatures[i]))
                    {
                        throw new InvalidOperationException("a valid baseline signature failed to verify");
                    }
                }
                count += 64;
            }
            Interlocked.Add(ref total, count);
        });
        return total / clock.Elapsed.TotalSeconds;
    }
}
