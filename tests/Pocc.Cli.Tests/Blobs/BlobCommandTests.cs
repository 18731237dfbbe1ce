using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pocc.Cli.Commands;
using Pocc.Cli.Common;
using Pocc.Core.Hashing;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Tests.Blobs;

/// <summary>Runs <c>pocc blob</c> in-process (the command object, not a child process) against an in-process server.</summary>
public sealed class BlobCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pocc-blobcmd-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(BlobId.ChunkSize * 2 + 1)]
    public async Task Put_prints_the_root_and_size_and_get_writes_back_the_same_bytes(int size)
    {
        await using var server = await BlobCommandServer.StartAsync();
        var content = Random(size);
        var expected = BlobHasher.Compute(content);
        string source = Path.Combine(_work, "source.bin");
        await File.WriteAllBytesAsync(source, content);

        var (putCode, putOutput) = await RunAsync("put", source, "--node", server.Url);

        Assert.Equal(0, putCode);
        Assert.Contains($"root   {expected.Root}", putOutput, StringComparison.Ordinal);
        Assert.Contains($"size   {size}", putOutput, StringComparison.Ordinal);
        Assert.Contains($"chunks {expected.ChunkCount}", putOutput, StringComparison.Ordinal);
        Assert.Equal(expected, server.Store.GetInfo(expected.Root));

        string target = Path.Combine(_work, "copy.bin");
        var (getCode, getOutput) = await RunAsync("get", expected.Root.ToString(), "--out", target, "--node", server.Url);

        Assert.Equal(0, getCode);
        Assert.Contains(target, getOutput, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(target));
        Assert.Equal(["copy.bin", "source.bin"], FilesInWork());
    }

    [Fact]
    public async Task Put_can_print_json()
    {
        await using var server = await BlobCommandServer.StartAsync();
        var content = Random(BlobId.ChunkSize + 7);
        string source = Path.Combine(_work, "source.bin");
        await File.WriteAllBytesAsync(source, content);

        var (code, output) = await RunAsync("put", source, "--node", server.Url, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(BlobHasher.Compute(content).Root.ToString(), json.RootElement.GetProperty("root").GetString());
        Assert.Equal(content.Length, json.RootElement.GetProperty("size").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("chunks").GetInt32());
    }

    [Fact]
    public async Task Get_refuses_bytes_that_do_not_match_the_root_and_leaves_the_target_untouched()
    {
        var genuine = Random(5000);
        var root = BlobHasher.Compute(genuine).Root;
        var forged = (byte[])genuine.Clone();
        forged[4999] ^= 1;
        await using var liar = await BlobCommandServer.StartAsync(app =>
            app.MapGet("/v1/blobs/{root}", () => Results.Bytes(forged, "application/octet-stream")));
        string target = Path.Combine(_work, "target.bin");
        await File.WriteAllTextAsync(target, "previous content");

        var error = await Assert.ThrowsAsync<CliException>(() => RunAsync("get", root.ToString(), "--out", target, "--node", liar.Url));

        Assert.StartsWith(BlobException.RootMismatch, error.Message, StringComparison.Ordinal);
        Assert.Equal("previous content", await File.ReadAllTextAsync(target));
        Assert.Equal(["target.bin"], FilesInWork());
    }

    [Fact]
    public async Task Get_refuses_a_blob_longer_than_the_node_declared()
    {
        var genuine = Random(100);
        var root = BlobHasher.Compute(genuine).Root;
        await using var liar = await BlobCommandServer.StartAsync(app =>
            app.MapGet("/v1/blobs/{root}", () => Results.Bytes([.. genuine, 0], "application/octet-stream")));
        string target = Path.Combine(_work, "target.bin");

        var error = await Assert.ThrowsAsync<CliException>(() => RunAsync("get", root.ToString(), "--out", target, "--node", liar.Url));

        Assert.StartsWith(BlobException.RootMismatch, error.Message, StringComparison.Ordinal);
        Assert.Empty(FilesInWork());
    }

    [Fact]
    public async Task Get_of_a_blob_the_node_lacks_fails_with_not_found()
    {
        await using var server = await BlobCommandServer.StartAsync();
        string target = Path.Combine(_work, "target.bin");

        var error = await Assert.ThrowsAsync<CliException>(() =>
            RunAsync("get", Blake3Hash.Of("absent"u8).ToString(), "--out", target, "--node", server.Url));

        Assert.StartsWith(BlobException.NotFound, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.ExitCode);
        Assert.Empty(FilesInWork());
    }

    [Fact]
    public async Task Get_rejects_a_malformed_root_before_contacting_the_node()
    {
        var error = await Assert.ThrowsAsync<CliException>(() =>
            RunAsync("get", "not-a-root", "--out", Path.Combine(_work, "x"), "--node", "http://127.0.0.1:1"));

        Assert.StartsWith(BlobException.InvalidRoot, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_of_a_missing_file_fails_clearly()
    {
        var error = await Assert.ThrowsAsync<CliException>(() =>
            RunAsync("put", Path.Combine(_work, "missing.bin"), "--node", "http://127.0.0.1:1"));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_over_the_node_limit_reports_the_node_code()
    {
        await using var server = await BlobCommandServer.StartAsync();
        string source = Path.Combine(_work, "big.bin");
        await File.WriteAllBytesAsync(source, new byte[server.Store.Options.MaxBlobBytes + 1]);

        var error = await Assert.ThrowsAsync<CliException>(() => RunAsync("put", source, "--node", server.Url));

        Assert.StartsWith(BlobException.TooLarge, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_node_is_exit_code_2()
    {
        string source = Path.Combine(_work, "source.bin");
        await File.WriteAllBytesAsync(source, [1, 2, 3]);

        var error = await Assert.ThrowsAsync<CliException>(() => RunAsync("put", source, "--node", "http://127.0.0.1:1"));

        Assert.Equal(2, error.ExitCode);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        int code = await BlobCommand.Create().Parse(args).InvokeAsync(configuration);
        Assert.True(error.ToString().Length == 0, $"stderr: {error}");
        return (code, output.ToString());
    }

    private List<string> FilesInWork() =>
        [.. Directory.EnumerateFiles(_work).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static byte[] Random(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
