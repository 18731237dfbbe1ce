using System.Diagnostics;
using System.Globalization;
using Pocc.Consensus.CrashSigner;

// Usage: Pocc.Consensus.CrashSigner signer <state file> <seed>
//        Pocc.Consensus.CrashSigner validator <directory> <seed>
// Prints "ready" once its durable state is loaded (and, for a validator, the WAL replayed), then "V <hex>" or
// "P <hex>" for each vote or proposal after it was signed and recorded, or "refused" when the guard refused one.
var deadline = Stopwatch.StartNew();
var random = new Random(int.Parse(args[2], CultureInfo.InvariantCulture));
if (args[0] == "validator")
{
    ValidatorRun.Run(args[1], random, deadline);
}
else
{
    SignerRun.Run(args[1], random, deadline);
}
