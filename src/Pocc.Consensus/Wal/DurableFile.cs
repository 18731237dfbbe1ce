using System.Runtime.InteropServices;
using System.Text;

namespace Pocc.Consensus.Wal;

/// <summary>
/// Crash-safe file replacement. .NET can fsync a file but not a directory, and a rename is only durable once its
/// directory is, so the directory is fsynced through libc on Unix (Windows' NTFS journals renames itself).
/// </summary>
internal static class DurableFile
{
    /// <summary>Makes <paramref name="path"/> hold exactly <paramref name="contents"/>, old or new whole after any crash.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> contents)
    {
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(contents);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectoryOf(path);
    }

    /// <summary>Makes renames and file creations in the directory of <paramref name="path"/> durable.</summary>
    public static void SyncDirectoryOf(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        byte[] nulTerminated = Encoding.UTF8.GetBytes(directory + "\0");
        int fd = Open(nulTerminated, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
