using System.Runtime.Versioning;
using System.Text.Json.Nodes;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc init</c> and <c>pocc keys</c>: files, permissions, and secrets that never reach the terminal.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class InitAndKeysTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Init_creates_config_genesis_and_a_private_validator_key()
    {
        var home = _dir.Combine("home");

        var result = await PoccProcess.RunAsync("init", "--home", home);

        CliAssert.Succeeded(result);
        Assert.True(File.Exists(Path.Combine(home, "config.json")));
        Assert.True(File.Exists(Path.Combine(home, "genesis.json")));
        var keyFile = Path.Combine(home, "keys", "validator.json");
        Assert.True(File.Exists(keyFile));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(home, "keys")));
        Assert.DoesNotContain(Seed(keyFile), result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Address(keyFile), CliAssert.Field(result, "validator"));
    }

    [Fact]
    public async Task Second_init_on_the_same_home_fails_and_keeps_the_existing_key()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));
        var keyFile = Path.Combine(home, "keys", "validator.json");
        var keyBefore = await File.ReadAllTextAsync(keyFile);
        var genesisBefore = await File.ReadAllTextAsync(Path.Combine(home, "genesis.json"));

        var again = await PoccProcess.RunAsync("init", "--home", home);

        CliAssert.FailedCleanly(again);
        Assert.Contains("already initialized", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(keyFile));
        Assert.Equal(genesisBefore, await File.ReadAllTextAsync(Path.Combine(home, "genesis.json")));
    }

    [Fact]
    public async Task Keys_new_writes_a_0600_key_file_and_prints_its_pocc1_address()
    {
        var keyFile = _dir.Combine("alice.json");

        var result = await PoccProcess.RunAsync("keys", "new", "--out", keyFile);

        CliAssert.Succeeded(result);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(keyFile));
        var address = CliAssert.Field(result, "address");
        Assert.StartsWith("pocc1", address, StringComparison.Ordinal);
        Assert.Equal(Address(keyFile), address);
        Assert.DoesNotContain(Seed(keyFile), result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Keys_new_refuses_to_overwrite_an_existing_key_file()
    {
        var keyFile = _dir.Combine("alice.json");
        CliAssert.Succeeded(await PoccProcess.RunAsync("keys", "new", "--out", keyFile));
        var before = await File.ReadAllTextAsync(keyFile);

        var again = await PoccProcess.RunAsync("keys", "new", "--out", keyFile);

        CliAssert.FailedCleanly(again);
        Assert.Equal(before, await File.ReadAllTextAsync(keyFile));
    }

    [Fact]
    public async Task Keys_show_prints_the_same_address_and_never_the_seed()
    {
        var keyFile = _dir.Combine("alice.json");
        var created = await PoccProcess.RunAsync("keys", "new", "--out", keyFile);
        CliAssert.Succeeded(created);
        var seed = Seed(keyFile);

        var json = await PoccProcess.RunAsync("keys", "show", "--key", keyFile, "--json");
        var text = await PoccProcess.RunAsync("keys", "show", "--key", keyFile);

        Assert.Equal(CliAssert.Field(created, "address"), CliAssert.Json(json)["address"]!.GetValue<string>());
        Assert.Equal(CliAssert.Field(created, "address"), CliAssert.Field(text, "address"));
        foreach (var result in new[] { created, json, text })
        {
            Assert.DoesNotContain(seed, result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
        }
    }

    public void Dispose() => _dir.Dispose();

    private static string Seed(string keyFile) => KeyFileField(keyFile, "seed");

    private static string Address(string keyFile) => KeyFileField(keyFile, "address");

    private static string KeyFileField(string keyFile, string field)
    {
        var value = JsonNode.Parse(File.ReadAllText(keyFile))![field]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(value));
        return value;
    }
}
