using System.CommandLine;
using Pocc.Cli.Common;
using Pocc.Core.Crypto;
using Pocc.Node.Hosting;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc keys new|show</c>: Ed25519 key files. The seed is written to a 0600 file and never printed.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var outFile = new Option<string>("--out") { Description = "Where to write the key file", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key file" };
        var newCommand = new Command("new", "Generate a new Ed25519 key into a file with mode 0600") { outFile, force };
        newCommand.SetAction(result =>
        {
            var path = Path.GetFullPath(result.GetValue(outFile)!);
            var directory = Path.GetDirectoryName(path)!;
            using var key = KeyPair.Generate();
            try
            {
                if (!Directory.Exists(directory))
                {
                    NodeHome.CreatePrivateDirectory(directory);
                }
                KeyFile.Write(path, key, result.GetValue(force));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot write key file {path}: {e.Message}");
            }
            Console.WriteLine($"address:    {key.Address}");
            Console.WriteLine($"public key: {key.PublicKey}");
            Console.WriteLine($"key file:   {path}");
            return 0;
        });

        var keyFile = KeyOption();
        var home = CommonOptions.Home();
        var json = CommonOptions.Json();
        var show = new Command("show", "Show a key's address and public key (never its secret)") { keyFile, home, json };
        show.SetAction(result =>
        {
            using var key = LoadKey(result.GetValue(keyFile), result.GetValue(home)!);
            if (result.GetValue(json))
            {
                Console.WriteLine($$"""{"address":"{{key.Address}}","public_key":"{{key.PublicKey}}"}""");
            }
            else
            {
                Console.WriteLine($"address:    {key.Address}");
                Console.WriteLine($"public key: {key.PublicKey}");
            }
            return 0;
        });

        return new Command("keys", "Manage Ed25519 keys") { newCommand, show };
    }

    public static Option<string?> KeyOption() => new("--key") { Description = "Key file to use (default: the home's validator key)" };

    /// <summary>The key file named by --key, else the home's validator key, with read errors turned into CLI errors.</summary>
    public static KeyPair LoadKey(string? keyFile, string home)
    {
        var path = keyFile ?? new NodeHome(home).ValidatorKeyFile;
        try
        {
            return KeyFile.Read(path);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read key file {path}: {e.Message}");
        }
    }
}
