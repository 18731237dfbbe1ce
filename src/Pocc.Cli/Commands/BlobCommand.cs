using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pocc.Cli.Common;
using Pocc.Client.Models;
using Pocc.Core.Hashing;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc blob put|get</c>: store a file on a node as a content-addressed blob, and fetch one back, verified.</summary>
public static class BlobCommand
{
    public static Command Create() => new("blob", "Store and fetch content-addressed blobs (identified by Merkle root and size)")
    {
        Put(),
        Get(),
    };

    private static Command Put()
    {
        var file = new Argument<FileInfo>("file") { Description = "The file to upload" };
        var node = CommonOptions.Node();
        var json = CommonOptions.Json();
        var command = new Command("put", "Upload a file; prints its root and size, which together identify it on chain") { file, node, json };
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"{path.FullName} does not exist");
            }
            // Hash locally first, so the node can refuse bytes damaged in transit and the printed root is our own.
            BlobId local;
            var hashing = OpenForRead(path);
            await using (hashing.ConfigureAwait(false))
            {
                local = await BlobHasher.ComputeAsync(hashing, cancellationToken).ConfigureAwait(false);
            }
            BlobModel stored;
            using (var client = NodeClient.Connect(result.GetValue(node)!))
            {
                var upload = OpenForRead(path);
                await using (upload.ConfigureAwait(false))
                {
                    if (upload.Length != local.Size)
                    {
                        throw new CliException($"{path.FullName} changed while it was being read");
                    }
                    stored = await client.PutBlobAsync(upload, local.Size, local.Root, cancellationToken).ConfigureAwait(false);
                }
            }
            if (stored.Root != local.Root.ToString() || stored.Size != local.Size)
            {
                throw new CliException($"the node stored {stored.Root}:{stored.Size} but the file is {local}");
            }
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new { root = local.Root.ToString(), size = local.Size, chunks = local.ChunkCount })).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"root   {local.Root}").ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"size   {local.Size}")).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"chunks {local.ChunkCount}")).ConfigureAwait(false);
            }
            return 0;
        }));
        return command;
    }

    private static Command Get()
    {
        var root = new Argument<string>("root") { Description = "The blob's Merkle root (64 hexadecimal characters)" };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where to write the blob (replaced if it exists)", Required = true };
        var node = CommonOptions.Node();
        var command = new Command("get", "Download a blob, verify it against its root, then write it to a file") { root, output, node };
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            Hash32 expected;
            try
            {
                expected = BlobStore.ParseRoot(result.GetValue(root));
            }
            catch (BlobException e)
            {
                throw new CliException($"{e.Code}: {e.Message}", code: e.Code);
            }
            var target = result.GetValue(output)!;
            string directory = target.DirectoryName ?? Directory.GetCurrentDirectory();
            if (!Directory.Exists(directory))
            {
                throw new CliException($"directory {directory} does not exist");
            }
            // Nothing appears under the target name until every byte has been checked against the root.
            string temp = Path.Combine(directory, $".{target.Name}.{Guid.NewGuid():N}.part");
            BlobModel blob;
            try
            {
                using var client = NodeClient.Connect(result.GetValue(node)!);
                var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BlobId.ChunkSize, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    blob = await client.GetBlobAsync(expected, file, cancellationToken).ConfigureAwait(false);
                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
                File.Move(temp, target.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
            await result.InvocationConfiguration.Output.WriteLineAsync(
                string.Create(CultureInfo.InvariantCulture, $"wrote {target.FullName} ({blob.Size} bytes, root {blob.Root})")).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static FileStream OpenForRead(FileInfo path)
    {
        try
        {
            return new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, BlobId.ChunkSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path.FullName}: {e.Message}");
        }
    }
}
