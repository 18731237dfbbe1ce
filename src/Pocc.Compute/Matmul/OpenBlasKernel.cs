using System.Runtime.InteropServices;
using Pocc.Core.Matrices;

namespace Pocc.Compute.Matmul;

/// <summary>
/// Float64 C = A·B by <c>cblas_dgemm</c> from a system OpenBLAS (LP64 build, 32-bit integers), loaded at run time so
/// the node still starts on machines without it. OpenBLAS uses its own thread pool (all cores unless
/// <c>OPENBLAS_NUM_THREADS</c> says otherwise).
/// </summary>
public sealed unsafe class OpenBlasKernel : IMatmulKernel
{
    /// <summary>
    /// The library names tried in order on this OS: on Linux the runtime soname (Debian/Ubuntu <c>libopenblas0-*</c>
    /// packages, resolved through the alternatives symlink) first, then the development link.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultLibraryNames =
        OperatingSystem.IsWindows() ? ["libopenblas.dll", "openblas.dll"]
        : OperatingSystem.IsMacOS() ? ["libopenblas.0.dylib", "libopenblas.dylib"]
        : ["libopenblas.so.0", "libopenblas.so"];

    private const int RowMajor = 101;
    private const int NoTrans = 111;

    private static readonly Lock LoadLock = new();
    private static OpenBlasKernel? s_default;
    private static string? s_defaultFailure;

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> _dgemm;

    // OpenBLAS already spreads one call over all cores; concurrent calls would only oversubscribe them (and older
    // builds are not safe to call concurrently), so calls are serialised.
    private readonly Lock _callLock = new();

    private OpenBlasKernel(string library, nint dgemm, string? config, int threads)
    {
        _dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)dgemm;
        Library = library;
        Config = config;
        Threads = threads;
    }

    public string Name => "openblas";

    public MatrixElementType ElementType => MatrixElementType.Float64;

    /// <summary>The library name that loaded.</summary>
    public string Library { get; }

    /// <summary>OpenBLAS's own build description (<c>openblas_get_config</c>), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Zen MAX_THREADS=64", when exported.</summary>
    public string? Config { get; }

    /// <summary>OpenBLAS's thread count (<c>openblas_get_num_threads</c>), or 0 when not exported.</summary>
    public int Threads { get; }

    /// <summary>"OpenBLAS 0.3.21 ... (libopenblas.so.0, 2 threads)".</summary>
    public string Description => $"{Config ?? "OpenBLAS"} ({Library}{(Threads > 0 ? $", {Threads} threads" : "")})";

    /// <summary>Loads OpenBLAS once per process from <see cref="DefaultLibraryNames"/>; on failure says why.</summary>
    public static bool TryCreate(out OpenBlasKernel? kernel, out string reason)
    {
        lock (LoadLock)
        {
            if (s_default is null && s_defaultFailure is null)
            {
                if (TryLoad(DefaultLibraryNames, out s_default, out string failure))
                {
                    s_defaultFailure = null;
                }
                else
                {
                    s_defaultFailure = failure;
                }
            }
            kernel = s_default;
            reason = s_default is not null ? $"loaded {s_default.Description}" : s_defaultFailure!;
            return kernel is not null;
        }
    }

    /// <summary>Tries the given library names or paths in order (not cached; the handle stays loaded for the process).</summary>
    public static bool TryLoad(IEnumerable<string> libraryNames, out OpenBlasKernel? kernel, out string reason)
    {
        ArgumentNullException.ThrowIfNull(libraryNames);
        var tried = new List<string>();
        foreach (string name in libraryNames)
        {
            if (!NativeLibrary.TryLoad(name, typeof(OpenBlasKernel).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.ApplicationDirectory, out nint handle)
                && !NativeLibrary.TryLoad(name, out handle))
            {
                tried.Add(name);
                continue;
            }
            if (!NativeLibrary.TryGetExport(handle, "cblas_dgemm", out nint dgemm))
            {
                tried.Add($"{name} (loaded, but it exports no cblas_dgemm)");
                continue;
            }
            string? config = null;
            if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out nint getConfig))
            {
                config = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)getConfig)())?.Trim();
            }
            int threads = 0;
            if (NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out nint getThreads))
            {
                threads = ((delegate* unmanaged[Cdecl]<int>)getThreads)();
            }
            kernel = new OpenBlasKernel(name, dgemm, config, threads);
            reason = $"loaded {kernel.Description}";
            return true;
        }
        kernel = null;
        reason = tried.Count == 0 ? "no library names to try" : $"could not load {string.Join(", ", tried)}";
        return false;
    }

    public Matrix Multiply(Matrix a, Matrix b, CancellationToken cancellationToken = default)
    {
        var shape = MatmulShape.Of(a, b, MatrixElementType.Float64);
        cancellationToken.ThrowIfCancellationRequested();
        // beta = 0 makes dgemm ignore C's previous contents, so the array need not be zeroed.
        var c = GC.AllocateUninitializedArray<double>(shape.M * shape.N);
        Multiply(shape, a.Float64, b.Float64, c);
        return Matrix.FromFloat64(shape.M, shape.N, c);
    }

    /// <summary>C = A·B on row-major buffers; C is overwritten.</summary>
    public void Multiply(MatmulShape shape, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c)
    {
        shape.CheckBuffers(a.Length, b.Length, c.Length);
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
        lock (_callLock)
        {
            _dgemm(RowMajor, NoTrans, NoTrans, shape.M, shape.N, shape.K, 1.0, pa, shape.K, pb, shape.N, 0.0, pc, shape.N);
        }
    }
}
