using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pocc.Core.Crypto;

/// <summary>A key on disk: JSON with the hex seed, written with mode 0600 before any secret byte lands in it.</summary>
public static class KeyFile
{
    private sealed record Contents(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("public_key")] string PublicKey,
        [property: JsonPropertyName("address")] string Address,
        [property: JsonPropertyName("seed")] string Seed);

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static void Write(string path, KeyPair key, bool overwrite = false)
    {
        if (!overwrite && File.Exists(path))
        {
            throw new IOException($"key file {path} already exists; refusing to overwrite it");
        }
        var seed = key.ExportSeed();
        var json = JsonSerializer.SerializeToUtf8Bytes(new Contents("ed25519", key.PublicKey.ToString(), key.Address.ToString(), Convert.ToHexStringLower(seed)),
            IndentedJson);
        Array.Clear(seed);
        var options = new FileStreamOptions { Mode = overwrite ? FileMode.Create : FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            stream.Write(json);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Array.Clear(json);
    }

    public static KeyPair Read(string path)
    {
        Contents? contents;
        try
        {
            contents = JsonSerializer.Deserialize<Contents>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new FormatException($"key file {path} is not valid JSON: {e.Message}", e);
        }
        if (contents is null || contents.Type != "ed25519" || contents.Seed is null)
        {
            throw new FormatException($"key file {path} is not an ed25519 key file");
        }
        byte[] seed;
        try
        {
            seed = Convert.FromHexString(contents.Seed);
        }
        catch (FormatException)
        {
            throw new FormatException($"key file {path} has a malformed seed");
        }
        if (seed.Length != KeyPair.SeedSize)
        {
            throw new FormatException($"key file {path} has a seed of {seed.Length} bytes, expected {KeyPair.SeedSize}");
        }
        var key = KeyPair.FromSeed(seed);
        Array.Clear(seed);
        return key;
    }
}
