using System.Text.Json;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Genesis;
using Pocc.Node.Hosting;

namespace Pocc.Cli.Testnet;

/// <summary>What <see cref="TestnetHomes.Create"/> builds: how many validators, on which loopback ports, with which funds.</summary>
public sealed record TestnetSpec
{
    public required int Validators { get; init; }

    public string ChainId { get; init; } = "pocc-testnet";

    /// <summary>Node i's API listens on 127.0.0.1:(BaseApiPort + i).</summary>
    public int BaseApiPort { get; init; } = 26657;

    /// <summary>Node i's peer transport listens on 127.0.0.1:(BaseP2pPort + i).</summary>
    public int BaseP2pPort { get; init; } = 26757;

    /// <summary>Accounts funded at genesis besides the validators', their keys written under accounts/.</summary>
    public int FundedAccounts { get; init; }

    /// <summary>Genesis balance of every funded account and every validator's account.</summary>
    public ulong Balance { get; init; } = 1_000_000_000_000;

    /// <summary>Stake bonded to each validator at genesis: all equal.</summary>
    public ulong Stake { get; init; } = 1_000_000_000;

    public int BlockIntervalMs { get; init; } = 500;

    /// <summary>More genesis accounts with their own balances (the devnet's deterministic load and market accounts).</summary>
    public IReadOnlyList<GenesisAccount> ExtraAccounts { get; init; } = [];

    public GenesisParameters Parameters { get; init; } = new();
}

/// <summary>One node of a testnet: its home, where its API and peer transport listen, and its validator address.</summary>
public sealed record TestnetNode(string Home, string ApiUrl, string P2pEndpoint, Address Address);

/// <summary>
/// Writes the homes of a multi-validator network on loopback: DIR/node0..node{N-1}, each with its own validator key
/// (mode 0600) and a config naming its ports and every other node as a peer, all sharing one genesis that bonds the N
/// validators equally; and DIR/accounts/account{i}.json, the keys of the funded accounts, for load generators.
/// </summary>
public static class TestnetHomes
{
    public const int MaxValidators = 64;

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };
    public const int MaxFundedAccounts = 10_000;

    public static string AccountsDirectory(string directory) => Path.Combine(Path.GetFullPath(directory), "accounts");

    public static string AccountKeyFile(string directory, int index) => Path.Combine(AccountsDirectory(directory), $"account{index}.json");

    /// <summary>Refuses a spec that cannot make a working network, naming the setting; writes nothing then.</summary>
    public static void Validate(TestnetSpec spec)
    {
        if (spec.Validators is < 1 or > MaxValidators)
        {
            throw new ArgumentException($"--validators must be between 1 and {MaxValidators}, not {spec.Validators}");
        }
        if (!Ledger.Primitives.ChainId.IsValid(spec.ChainId))
        {
            throw new ArgumentException("--chain-id must be 1-48 characters of a-z, 0-9 and '-'");
        }
        if (spec.FundedAccounts is < 0 or > MaxFundedAccounts)
        {
            throw new ArgumentException($"--fund must be between 0 and {MaxFundedAccounts}, not {spec.FundedAccounts}");
        }
        if (spec.Stake == 0)
        {
            throw new ArgumentException("--stake must be positive");
        }
        foreach (var (name, port) in new[] { ("--base-api-port", spec.BaseApiPort), ("--base-p2p-port", spec.BaseP2pPort) })
        {
            if (port < 1 || port + spec.Validators - 1 > 65_535)
            {
                throw new ArgumentException($"{name} {port} leaves no room for {spec.Validators} ports below 65536");
            }
        }
        if (spec.BaseApiPort < spec.BaseP2pPort + spec.Validators && spec.BaseP2pPort < spec.BaseApiPort + spec.Validators)
        {
            throw new ArgumentException($"the API ports {spec.BaseApiPort}.. and peer ports {spec.BaseP2pPort}.. of {spec.Validators} nodes overlap");
        }
    }

    /// <summary>Writes the testnet into <paramref name="directory"/>, which must not hold one already.</summary>
    public static IReadOnlyList<TestnetNode> Create(string directory, TestnetSpec spec)
    {
        Validate(spec);
        directory = Path.GetFullPath(directory);
        var homes = Enumerable.Range(0, spec.Validators).Select(i => new NodeHome(Path.Combine(directory, $"node{i}"))).ToArray();
        if (homes.Any(home => Directory.Exists(home.Path)) || Directory.Exists(AccountsDirectory(directory)))
        {
            throw new IOException($"{directory} already holds a testnet; choose another directory or remove it");
        }
        var validatorKeys = Enumerable.Range(0, spec.Validators).Select(_ => KeyPair.Generate()).ToArray();
        var accountKeys = Enumerable.Range(0, spec.FundedAccounts).Select(_ => KeyPair.Generate()).ToArray();
        try
        {
            var genesis = new GenesisDocument
            {
                ChainId = spec.ChainId,
                Accounts = [.. validatorKeys.Concat(accountKeys).Select(key => new GenesisAccount(key.Address.ToString(), spec.Balance)), .. spec.ExtraAccounts],
                Parameters = spec.Parameters,
                Validators = [.. validatorKeys.Select(key => new GenesisValidator(key.PublicKey.ToString(), spec.Stake))],
            };
            genesis.Validate();
            var p2p = Enumerable.Range(0, spec.Validators).Select(i => $"127.0.0.1:{spec.BaseP2pPort + i}").ToArray();
            var nodes = new List<TestnetNode>(spec.Validators);
            for (int i = 0; i < spec.Validators; i++)
            {
                var apiUrl = $"http://127.0.0.1:{spec.BaseApiPort + i}";
                homes[i].Initialize(validatorKeys[i], genesis, Config(apiUrl, p2p[i], [.. p2p.Where((_, j) => j != i)], spec.BlockIntervalMs));
                nodes.Add(new TestnetNode(homes[i].Path, apiUrl, p2p[i], validatorKeys[i].Address));
            }
            if (accountKeys.Length > 0)
            {
                NodeHome.CreatePrivateDirectory(AccountsDirectory(directory));
                for (int i = 0; i < accountKeys.Length; i++)
                {
                    KeyFile.Write(AccountKeyFile(directory, i), accountKeys[i]);
                }
            }
            return nodes;
        }
        finally
        {
            foreach (var key in validatorKeys.Concat(accountKeys))
            {
                key.Dispose();
            }
        }
    }

    private static string Config(string apiUrl, string p2pListen, string[] peers, int blockIntervalMs) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Node"] = new Dictionary<string, object>
            {
                ["ApiUrl"] = apiUrl,
                ["P2pListen"] = p2pListen,
                ["Peers"] = peers,
                ["Consensus"] = "tendermint",
                ["BlockIntervalMs"] = blockIntervalMs,
                ["Validator"] = true,
                ["LogFormat"] = "text",
            },
        }, IndentedJson);
}
