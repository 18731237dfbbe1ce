// Posts C = A·B with random inputs to a PoCC node, waits until the chain has verified (or rejected) the result, and
// prints the result's Merkle root and the outcome. Usage:
//   MatmulTask --node URL --key FILE [--n 128] [--dtype mod61|f64] [--fee 5000] [--timeout 600]
using System.Globalization;
using System.Security.Cryptography;
using Pocc.Client;
using Pocc.Client.Tasks;
using Pocc.Client.Transactions;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Primitives;

var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--n"] = "128", ["--dtype"] = "mod61", ["--fee"] = "5000", ["--timeout"] = "600",
};
for (int i = 0; i < args.Length; i += 2)
{
    if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
    {
        return Usage($"expected --option value, got '{args[i]}'");
    }
    options[args[i]] = args[i + 1];
}
if (!options.TryGetValue("--node", out var node) || !options.TryGetValue("--key", out var keyFile))
{
    return Usage("--node and --key are required");
}
if (!int.TryParse(options["--n"], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 4096
    || options["--dtype"] is not ("mod61" or "f64")
    || !ulong.TryParse(options["--fee"], NumberStyles.None, CultureInfo.InvariantCulture, out ulong fee)
    || !int.TryParse(options["--timeout"], NumberStyles.None, CultureInfo.InvariantCulture, out int timeoutSeconds) || timeoutSeconds < 1)
{
    return Usage("--n is 1 to 4096, --dtype mod61 or f64, --fee and --timeout positive whole numbers");
}

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    using var key = KeyFile.Read(keyFile);
    using var client = new PoccClient(node);
    // The signer asks the node for the chain id and the account's next nonce, and resynchronises if they move.
    using var requester = new TransactionSubmitter(client, key, new Amount(10));

    var type = options["--dtype"] == "f64" ? MatrixElementType.Float64 : MatrixElementType.Mod61;
    var a = Matrix.Random(n, n, type, Blake3Hash.Of(RandomNumberGenerator.GetBytes(32)));
    var b = Matrix.Random(n, n, type, Blake3Hash.Of(RandomNumberGenerator.GetBytes(32)));

    // Uploads A and B as blobs, signs and submits the PostTask transaction, waits until it is finalized.
    var posted = await requester.PostMatmulTaskAsync(a, b, new MatmulTaskOptions { Fee = new Amount(fee) }, stop.Token);
    Console.WriteLine($"task {posted.Id} posted at height {posted.Height} by {key.Address}: {n}x{n}x{n} {options["--dtype"]}, " +
        $"{posted.Spec.SoundnessBits} bits of soundness");

    var task = await client.WaitForTaskAsync(posted.Id,
        onChange: t => Console.WriteLine($"task {t.Id}: {t.State}{(t.Worker is { } worker ? $" (worker {worker})" : "")}"),
        onUnavailable: e => Console.WriteLine($"{e.Message}; still waiting"),
        cancellationToken: stop.Token);

    Console.WriteLine($"outcome: {task.State} ({task.Outcome})");
    if (task.State != "settled")
    {
        return 1;
    }
    // The result is fetched from the node and checked against the root the worker committed and the chain verified.
    var c = await client.DownloadResultAsync(task, stop.Token);
    Console.WriteLine($"result root: {task.Result!.Root}");
    Console.WriteLine($"result: {c.Shape}, {task.Result.Size} bytes, matches its root; verified on chain with {task.SoundnessBits} bits of soundness");
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine($"error: stopped (timeout {timeoutSeconds} s, or Ctrl-C) before the task closed");
    return 3;
}
catch (Exception e) when (e is PoccClientException or ArgumentException or IOException or FormatException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"error: {problem}");
    Console.Error.WriteLine("usage: MatmulTask --node URL --key FILE [--n 128] [--dtype mod61|f64] [--fee 5000] [--timeout 600]");
    return 2;
}
