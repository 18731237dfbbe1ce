namespace Pocc.Storage.Tests;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pocc-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
