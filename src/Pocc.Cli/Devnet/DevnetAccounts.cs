using Pocc.Core.Crypto;
using Pocc.Ledger.Genesis;
using Pocc.Node.Hosting;

namespace Pocc.Cli.Devnet;

/// <summary>
/// The devnet's funded accounts. Their keys derive from public labels, so a devnet resumed from its home can
/// sign for them again; that is exactly why these keys are for devnets only.
/// </summary>
public static class DevnetAccounts
{
    public const string ChainId = "pocc-devnet";
    public const ulong Balance = 1_000_000_000_000_000;

    /// <summary>Workers a devnet home is prepared for (each funded at genesis).</summary>
    public const int MaxWorkers = 16;

    public static KeyPair Key(int index) => KeyPair.FromLabel($"pocc-devnet-account-{index}");

    /// <summary>The account that posts the devnet's compute tasks (separate from the transfer load, so their nonces never collide).</summary>
    public static KeyPair Requester() => KeyPair.FromLabel("pocc-devnet-requester");

    public static KeyPair Worker(int index) => KeyPair.FromLabel($"pocc-devnet-worker-{index}");

    /// <summary>The account left to the person running the devnet, for their own transactions and tasks: nothing in the devnet uses it.</summary>
    public static KeyPair User() => KeyPair.FromLabel("pocc-devnet-user");

    /// <summary>The genesis entries of the user, the requester and the workers.</summary>
    public static IEnumerable<GenesisAccount> MarketAccounts()
    {
        using (var user = User())
        {
            yield return new GenesisAccount(user.Address.ToString(), Balance);
        }
        using (var requester = Requester())
        {
            yield return new GenesisAccount(requester.Address.ToString(), Balance);
        }
        for (int i = 0; i < MaxWorkers; i++)
        {
            using var worker = Worker(i);
            yield return new GenesisAccount(worker.Address.ToString(), Balance);
        }
    }

    public static IReadOnlyList<KeyPair> Keys(int count)
    {
        var keys = new KeyPair[count];
        Parallel.For(0, count, i => keys[i] = Key(i));
        return keys;
    }

    /// <summary>The devnet keys whose accounts the genesis funds (in genesis order; the validator's account is skipped).</summary>
    public static IReadOnlyList<KeyPair> FromGenesis(GenesisDocument genesis)
    {
        var funded = genesis.Accounts.Select(a => a.Address).ToHashSet();
        var keys = new List<KeyPair>();
        for (int i = 0; ; i++)
        {
            var key = Key(i);
            if (!funded.Contains(key.Address.ToString()))
            {
                key.Dispose();
                return keys;
            }
            keys.Add(key);
        }
    }

    /// <summary>
    /// Writes the <see cref="User"/> key to <c>keys/user.json</c> in the home (mode 0600) if <paramref name="genesis"/>
    /// funds it and the file is not there yet; returns the file, or null for a home created before the user account existed.
    /// </summary>
    public static string? WriteUserKeyFile(NodeHome home, GenesisDocument genesis)
    {
        using var user = User();
        if (!genesis.Accounts.Any(a => a.Address == user.Address.ToString()))
        {
            return null;
        }
        string path = Path.Combine(home.KeysDirectory, "user.json");
        if (!File.Exists(path))
        {
            KeyFile.Write(path, user);
        }
        return path;
    }
}
