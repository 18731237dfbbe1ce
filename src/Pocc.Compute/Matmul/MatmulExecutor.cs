using Pocc.Core.Matrices;

namespace Pocc.Compute.Matmul;

/// <summary>
/// The matrix-multiply executor a worker runs: OpenBLAS for Float64 when the library loads, otherwise the managed
/// SIMD kernel; the exact <see cref="Mod61Kernel"/> for Mod61. <see cref="Description"/> says which and why, for the
/// node's startup log.
/// </summary>
public sealed class MatmulExecutor
{
    public MatmulExecutor(IMatmulKernel float64Kernel, IMatmulKernel mod61Kernel, string description)
    {
        ArgumentNullException.ThrowIfNull(float64Kernel);
        ArgumentNullException.ThrowIfNull(mod61Kernel);
        if (float64Kernel.ElementType != MatrixElementType.Float64 || mod61Kernel.ElementType != MatrixElementType.Mod61)
        {
            throw new ArgumentException("the executor needs an f64 kernel and a mod61 kernel");
        }
        Float64Kernel = float64Kernel;
        Mod61Kernel = mod61Kernel;
        Description = description;
    }

    /// <summary>Multiplies Float64 matrices: OpenBLAS or the managed fallback.</summary>
    public IMatmulKernel Float64Kernel { get; }

    /// <summary>Multiplies Mod61 matrices.</summary>
    public IMatmulKernel Mod61Kernel { get; }

    /// <summary>True when Float64 products go to OpenBLAS.</summary>
    public bool UsesOpenBlas => Float64Kernel is OpenBlasKernel;

    /// <summary>
    /// One line for the log, e.g. "f64: OpenBLAS 0.3.21 ... (libopenblas.so.0, 2 threads); mod61: mod61-avx512 (2 threads)"
    /// or "OpenBLAS not found (could not load libopenblas.so.0, ...); using the managed SIMD kernel managed-avx512 (2 threads) for f64; mod61: ...".
    /// </summary>
    public string Description { get; }

    /// <summary>
    /// OpenBLAS when it loads (unless <paramref name="preferManaged"/>), else the managed kernel; the managed kernels
    /// use <paramref name="maxDegreeOfParallelism"/> threads (0 = one per core).
    /// </summary>
    public static MatmulExecutor CreateDefault(bool preferManaged = false, int maxDegreeOfParallelism = 0) =>
        Create(null, preferManaged, maxDegreeOfParallelism);

    /// <summary>As <see cref="CreateDefault"/>, trying <paramref name="openBlasLibraryNames"/> instead of the default names (tests).</summary>
    internal static MatmulExecutor Create(IEnumerable<string>? openBlasLibraryNames, bool preferManaged, int maxDegreeOfParallelism)
    {
        var mod61 = new Mod61Kernel(maxDegreeOfParallelism);
        string mod61Part = $"mod61: exact {mod61.Name} kernel ({mod61.Threads} threads)";
        if (preferManaged)
        {
            var managed = new ManagedFloat64Kernel(maxDegreeOfParallelism);
            return new MatmulExecutor(managed, mod61, $"OpenBLAS not used (managed kernel requested); using the managed SIMD kernel {managed.Name} ({managed.Threads} threads) for f64; {mod61Part}");
        }
        bool loaded = openBlasLibraryNames is null
            ? OpenBlasKernel.TryCreate(out var openBlas, out string reason)
            : OpenBlasKernel.TryLoad(openBlasLibraryNames, out openBlas, out reason);
        if (loaded)
        {
            return new MatmulExecutor(openBlas!, mod61, $"f64: {openBlas!.Description}; {mod61Part}");
        }
        var fallback = new ManagedFloat64Kernel(maxDegreeOfParallelism);
        return new MatmulExecutor(fallback, mod61, $"OpenBLAS not found ({reason}); using the managed SIMD kernel {fallback.Name} ({fallback.Threads} threads) for f64; {mod61Part}");
    }

    /// <summary>The kernel for <paramref name="type"/>.</summary>
    public IMatmulKernel KernelFor(MatrixElementType type) => type switch
    {
        MatrixElementType.Float64 => Float64Kernel,
        MatrixElementType.Mod61 => Mod61Kernel,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown matrix element type"),
    };

    /// <summary>A·B with the kernel for their element type; throws <see cref="ArgumentException"/> on mismatched types or dimensions.</summary>
    public Matrix Multiply(Matrix a, Matrix b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.ElementType != b.ElementType)
        {
            throw new ArgumentException($"cannot multiply A {a.Shape} by B {b.Shape}: the element types differ");
        }
        return KernelFor(a.ElementType).Multiply(a, b, cancellationToken);
    }
}
