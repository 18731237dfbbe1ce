using System.CommandLine;
using Pocc.Cli.Commands;
using Pocc.Cli.Common;

var root = new RootCommand("pocc: Proof of Compute Consensus node, devnet and tools")
{
    DevnetCommand.Create(),
    InitCommand.Create(),
    KeysCommand.Create(),
    NodeCommand.Create(),
    TxCommand.Create(),
    QueryCommand.Create(),
    BlobCommand.Create(),
    BenchCommand.Create(),
    WorkerCommand.Create(),
    TaskCommand.Create(),
    TestnetCommand.Create(),
    SimCommand.Create(),
};

// The commands own their signal handling (the node host and the devnet stop gracefully), so the parser must not
// kill the process a few seconds after Ctrl-C.
var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
try
{
    return await root.Parse(args).InvokeAsync(configuration).ConfigureAwait(false);
}
catch (CliException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return e.ExitCode;
}
