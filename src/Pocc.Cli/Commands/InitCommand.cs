using System.CommandLine;
using System.Globalization;
using Pocc.Cli.Common;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Genesis;
using Pocc.Node.Hosting;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc init</c>: creates a node home with a validator key, a genesis and a config file.</summary>
public static class InitCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var chainId = new Option<string>("--chain-id") { Description = "Chain id (a-z, 0-9, '-')", DefaultValueFactory = _ => "pocc-local" };
        var fund = new Option<string[]>("--fund")
        {
            Description = "Fund an account at genesis: ADDRESS=AMOUNT (repeatable). The validator's own account is always funded.",
            AllowMultipleArgumentsPerToken = true,
        };
        var balance = new Option<ulong>("--validator-balance") { Description = "Genesis balance of the validator's account", DefaultValueFactory = _ => 1_000_000_000_000 };
        var stake = new Option<ulong>("--validator-stake") { Description = "Stake bonded to the validator at genesis", DefaultValueFactory = _ => 1_000_000_000 };
        var command = new Command("init", "Create a node home: validator key (mode 0600), genesis.json and config.json") { home, chainId, fund, balance, stake };
        command.SetAction(result =>
        {
            var nodeHome = new NodeHome(result.GetValue(home)!);
            if (File.Exists(nodeHome.GenesisFile))
            {
                throw new CliException($"{nodeHome.Path} is already initialized; choose another --home or remove it");
            }
            if (!Ledger.Primitives.ChainId.IsValid(result.GetValue(chainId)))
            {
                throw new CliException($"--chain-id must be 1-48 characters of a-z, 0-9 and '-'");
            }
            using var key = KeyPair.Generate();
            var accounts = new List<GenesisAccount> { new(key.Address.ToString(), result.GetValue(balance)) };
            foreach (var entry in result.GetValue(fund) ?? [])
            {
                accounts.Add(ParseFunding(entry));
            }
            try
            {
                nodeHome.Initialize(result.GetValue(chainId)!, key, accounts, validatorStake: result.GetValue(stake));
            }
            catch (FormatException e)
            {
                throw new CliException($"invalid genesis: {e.Message}");
            }
            Console.WriteLine($"initialized {nodeHome.Path}");
            Console.WriteLine($"chain id:  {result.GetValue(chainId)}");
            Console.WriteLine($"validator: {key.Address}");
            Console.WriteLine($"key file:  {nodeHome.ValidatorKeyFile}");
            Console.WriteLine($"start it:  pocc node run --home {nodeHome.Path}");
            return 0;
        });
        return command;
    }

    private static GenesisAccount ParseFunding(string entry)
    {
        var parts = entry.Split('=', 2);
        if (parts.Length != 2 || !Address.TryParse(parts[0], out var address) ||
            !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw new CliException($"--fund '{entry}' must be ADDRESS=AMOUNT with a pocc1... address and a whole number");
        }
        return new GenesisAccount(address.ToString(), amount);
    }
}
