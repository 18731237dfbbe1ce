using Pocc.Core.Crypto;
using Pocc.Ledger.Genesis;

namespace Pocc.Node.Hosting;

/// <summary>
/// A node's home directory: config.json, genesis.json, keys/ (mode 0700, key files 0600) and data/ (RocksDB).
/// </summary>
public sealed class NodeHome
{
    public NodeHome(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    public string ConfigFile => System.IO.Path.Combine(Path, "config.json");

    public string GenesisFile => System.IO.Path.Combine(Path, "genesis.json");

    public string KeysDirectory => System.IO.Path.Combine(Path, "keys");

    public string ValidatorKeyFile => System.IO.Path.Combine(KeysDirectory, "validator.json");

    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    /// <summary>The content-addressed store of off-chain data (task inputs and results).</summary>
    public string BlobsDirectory => System.IO.Path.Combine(Path, "blobs");

    public bool IsInitialized => File.Exists(GenesisFile) && File.Exists(ValidatorKeyFile);

    /// <summary>
    /// Creates the home: a validator key, a genesis that bonds it and funds <paramref name="fundedAccounts"/>,
    /// and a config file. Refuses to touch a home that already has a genesis.
    /// </summary>
    public void Initialize(string chainId, KeyPair validatorKey, IReadOnlyList<GenesisAccount> fundedAccounts, GenesisParameters? parameters = null, ulong validatorStake = 1_000_000_000, string? configJson = null) =>
        Initialize(validatorKey, new GenesisDocument
        {
            ChainId = chainId,
            GenesisTimeMs = 0,
            Parameters = parameters ?? new GenesisParameters(),
            Accounts = fundedAccounts,
            Validators = [new GenesisValidator(validatorKey.PublicKey.ToString(), validatorStake)],
        }, configJson);

    /// <summary>
    /// Creates the home from a given genesis (shared by the nodes of one network) and this node's key, which need not be
    /// one of the genesis validators. Refuses to touch a home that already has a genesis.
    /// </summary>
    public void Initialize(KeyPair validatorKey, GenesisDocument genesis, string? configJson = null)
    {
        if (File.Exists(GenesisFile))
        {
            throw new IOException($"{Path} is already initialized (it has a genesis.json)");
        }
        genesis.Validate();
        Directory.CreateDirectory(Path);
        CreatePrivateDirectory(KeysDirectory);
        KeyFile.Write(ValidatorKeyFile, validatorKey);
        genesis.Save(GenesisFile);
        if (!File.Exists(ConfigFile))
        {
            File.WriteAllText(ConfigFile, configJson ?? DefaultConfig);
        }
    }

    public KeyPair LoadValidatorKey() => KeyFile.Read(ValidatorKeyFile);

    public GenesisDocument LoadGenesis() => GenesisDocument.Load(GenesisFile);

    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private const string DefaultConfig = """
        {
          "Node": {
            "ApiUrl": "http://127.0.0.1:26657",
            "BlockIntervalMs": 500,
            "Validator": true,
            "LogFormat": "text"
          }
        }
        """;
}
