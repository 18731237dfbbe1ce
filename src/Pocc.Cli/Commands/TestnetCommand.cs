using System.CommandLine;
using Pocc.Cli.Common;
using Pocc.Cli.Testnet;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc testnet init</c>: writes the homes of a multi-validator network on loopback (see <see cref="TestnetHomes"/>).</summary>
public static class TestnetCommand
{
    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "How many validators (one node home each)", Required = true };
        var output = new Option<string>("--output") { Description = "Directory to write node0..node{N-1} (and accounts/) into", Required = true };
        var chainId = new Option<string>("--chain-id") { Description = "Chain id (a-z, 0-9, '-')", DefaultValueFactory = _ => "pocc-testnet" };
        var baseApiPort = new Option<int>("--base-api-port") { Description = "Node i's API listens on 127.0.0.1:(this + i)", DefaultValueFactory = _ => 26657 };
        var baseP2pPort = new Option<int>("--base-p2p-port") { Description = "Node i's peer transport listens on 127.0.0.1:(this + i)", DefaultValueFactory = _ => 26757 };
        var fund = new Option<int>("--fund") { Description = "Accounts to fund at genesis; their keys go to DIR/accounts/account{i}.json (mode 0600)" };
        var balance = new Option<ulong>("--balance") { Description = "Genesis balance of each funded account and validator", DefaultValueFactory = _ => 1_000_000_000_000 };
        var stake = new Option<ulong>("--stake") { Description = "Stake bonded to each validator at genesis", DefaultValueFactory = _ => 1_000_000_000 };
        var init = new Command("init", "Write N validator homes sharing one genesis, each configured to peer with all the others")
        {
            validators, output, chainId, baseApiPort, baseP2pPort, fund, balance, stake,
        };
        init.SetAction(result =>
        {
            var spec = new TestnetSpec
            {
                Validators = result.GetValue(validators),
                ChainId = result.GetValue(chainId)!,
                BaseApiPort = result.GetValue(baseApiPort),
                BaseP2pPort = result.GetValue(baseP2pPort),
                FundedAccounts = result.GetValue(fund),
                Balance = result.GetValue(balance),
                Stake = result.GetValue(stake),
            };
            var directory = result.GetValue(output)!;
            IReadOnlyList<TestnetNode> nodes;
            try
            {
                nodes = TestnetHomes.Create(directory, spec);
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException)
            {
                throw new CliException(e.Message);
            }
            Console.WriteLine($"chain id: {spec.ChainId}, {nodes.Count} validators");
            for (int i = 0; i < nodes.Count; i++)
            {
                Console.WriteLine($"node{i}: {nodes[i].Address} api {nodes[i].ApiUrl} p2p {nodes[i].P2pEndpoint}");
            }
            if (spec.FundedAccounts > 0)
            {
                Console.WriteLine($"funded account keys: {TestnetHomes.AccountsDirectory(directory)}");
            }
            Console.WriteLine($"start each: pocc node run --home {nodes[0].Home}");
            return 0;
        });
        return new Command("testnet", "Multi-validator networks on one machine") { init };
    }
}
