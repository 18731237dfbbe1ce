using Pocc.Core.Hashing;

namespace Pocc.Proofs.Stark;

/// <summary>
/// A Merkle commitment to a matrix of evaluations given as columns of 2^k rows: leaf i is the BLAKE3 hash of row i
/// (every column's value at i, canonical little-endian, behind a tag no other hash in the codebase uses), inner
/// nodes are <see cref="Blake3Hash.Node"/>. Openings of several rows share one <see cref="MerkleMultiProof"/>.
/// </summary>
/// <remarks>
/// Not <see cref="Pocc.Core.Merkle.MerkleTree"/>: that one recomputes the tree from a copy of the leaves for every
/// proof and builds one path at a time, while a STARK opens dozens of rows of a 2^20-row tree, so this one keeps all
/// levels in one flat array in heap order (node v has children 2v and 2v + 1, the root is node 1, leaf i is node
/// 2^k + i) and hashes leaves and wide levels on every core. With 2^k leaves there is never an odd level, so the
/// root equals MerkleTree.ComputeRoot over the same leaf hashes. The root does not commit to k or to the width: the
/// verifier takes both from the proof's parameters.
/// </remarks>
public sealed class RowCommitment
{
    /// <summary>Trees of up to 2^30 rows, so that node positions fit in an int.</summary>
    public const int MaxLogRows = 30;

    // 0x00 and 0x01 are Blake3Hash's generic leaf and node tags; a STARK row is neither.
    private const byte RowTag = 0x53;

    private const int ParallelThreshold = 1 << 12;

    private readonly Hash32[] _nodes;

    private RowCommitment(Hash32[] nodes, int logRows)
    {
        _nodes = nodes;
        LogRows = logRows;
    }

    /// <summary>log2 of the row count.</summary>
    public int LogRows { get; }

    /// <summary>The number of rows, 2^<see cref="LogRows"/>.</summary>
    public int Rows => 1 << LogRows;

    public Hash32 Root => _nodes[1];

    /// <summary>Commits to base-field columns of equal power-of-two length (trace and composition columns).</summary>
    public static RowCommitment Commit(IReadOnlyList<Goldilocks[]> columns) => Build<Goldilocks, BaseEncoder>(columns, 1);

    /// <summary>Commits to extension-field columns of equal power-of-two length (FRI layers).</summary>
    public static RowCommitment Commit(IReadOnlyList<GoldilocksExt2[]> columns) => Build<GoldilocksExt2, ExtEncoder>(columns, 1);

    /// <summary>
    /// The commitment <see cref="Commit(IReadOnlyList{Goldilocks[]})"/> gives to the columns cut into
    /// <paramref name="groups"/> equal slices laid side by side: row j holds, for t &lt; groups, every column's value
    /// at j + t·(length / groups), slice-major. The layout FRI's rows need, without copying the columns into it.
    /// </summary>
    internal static RowCommitment CommitGrouped(IReadOnlyList<Goldilocks[]> columns, int groups) => Build<Goldilocks, BaseEncoder>(columns, groups);

    /// <summary><see cref="CommitGrouped(IReadOnlyList{Goldilocks[]}, int)"/> for extension-field columns.</summary>
    internal static RowCommitment CommitGrouped(IReadOnlyList<GoldilocksExt2[]> columns, int groups) => Build<GoldilocksExt2, ExtEncoder>(columns, groups);

    /// <summary>The leaf hash of one base-field row, as the verifier recomputes it from opened values.</summary>
    public static Hash32 HashRow(ReadOnlySpan<Goldilocks> row) => HashRow<Goldilocks, BaseEncoder>(row);

    /// <summary>The leaf hash of one extension-field row.</summary>
    public static Hash32 HashRow(ReadOnlySpan<GoldilocksExt2> row) => HashRow<GoldilocksExt2, ExtEncoder>(row);

    /// <summary>The leaf hash of row <paramref name="index"/>.</summary>
    public Hash32 Leaf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Rows);
        return _nodes[Rows + index];
    }

    /// <summary>The multi-proof for rows <paramref name="indices"/>, which must be strictly increasing and in range.</summary>
    public MerkleMultiProof Open(ReadOnlySpan<int> indices)
    {
        CheckIndices(indices, LogRows, throwOnError: true);
        int[] positions = new int[indices.Length];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = Rows + indices[i];
        }
        var siblings = new List<Hash32>();
        int count = positions.Length;
        for (int level = 0; level < LogRows; level++)
        {
            int parents = 0;
            for (int j = 0; j < count; j++)
            {
                int v = positions[j];
                if ((v & 1) == 0 && j + 1 < count && positions[j + 1] == v + 1)
                {
                    j++;
                }
                else
                {
                    siblings.Add(_nodes[v ^ 1]);
                }
                positions[parents++] = v >> 1;
            }
            count = parents;
        }
        return new MerkleMultiProof(siblings);
    }

    /// <summary>True if base-field rows <paramref name="rows"/> at <paramref name="indices"/> open <paramref name="root"/>.</summary>
    public static bool Verify(Hash32 root, int logRows, ReadOnlySpan<int> indices, IReadOnlyList<Goldilocks[]> rows, MerkleMultiProof proof) =>
        VerifyRows<Goldilocks, BaseEncoder>(root, logRows, indices, rows, proof);

    /// <summary>True if extension-field rows <paramref name="rows"/> at <paramref name="indices"/> open <paramref name="root"/>.</summary>
    public static bool Verify(Hash32 root, int logRows, ReadOnlySpan<int> indices, IReadOnlyList<GoldilocksExt2[]> rows, MerkleMultiProof proof) =>
        VerifyRows<GoldilocksExt2, ExtEncoder>(root, logRows, indices, rows, proof);

    /// <summary>
    /// True if leaf hashes <paramref name="leaves"/> at <paramref name="indices"/> (strictly increasing, below 2^logRows,
    /// at least one) hash up to <paramref name="root"/> using every sibling of <paramref name="proof"/> exactly once.
    /// </summary>
    public static bool VerifyLeaves(Hash32 root, int logRows, ReadOnlySpan<int> indices, ReadOnlySpan<Hash32> leaves, MerkleMultiProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (logRows is < 0 or > MaxLogRows || leaves.Length != indices.Length || !CheckIndices(indices, logRows, throwOnError: false)
            || proof.Siblings.Count > (long)indices.Length * logRows)
        {
            return false;
        }
        int count = indices.Length;
        int[] positions = new int[count];
        var hashes = leaves.ToArray();
        for (int i = 0; i < count; i++)
        {
            positions[i] = (1 << logRows) + indices[i];
        }
        int used = 0;
        IReadOnlyList<Hash32> siblings = proof.Siblings;
        for (int level = 0; level < logRows; level++)
        {
            // Parent k is written after children j ≥ k are read, so the update can go in place.
            int parents = 0;
            for (int j = 0; j < count; j++)
            {
                int v = positions[j];
                Hash32 parent;
                if ((v & 1) == 0 && j + 1 < count && positions[j + 1] == v + 1)
                {
                    parent = Blake3Hash.Node(hashes[j], hashes[j + 1]);
                    j++;
                }
                else if (used == siblings.Count)
                {
                    return false;
                }
                else
                {
                    Hash32 sibling = siblings[used++];
                    parent = (v & 1) == 0 ? Blake3Hash.Node(hashes[j], sibling) : Blake3Hash.Node(sibling, hashes[j]);
                }
                positions[parents] = v >> 1;
                hashes[parents++] = parent;
            }
            count = parents;
        }
        return used == siblings.Count && hashes[0] == root;
    }

    private static bool VerifyRows<T, TEncoder>(Hash32 root, int logRows, ReadOnlySpan<int> indices, IReadOnlyList<T[]> rows, MerkleMultiProof proof)
        where T : struct
        where TEncoder : struct, IElementEncoder<T>
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count != indices.Length)
        {
            return false;
        }
        var leaves = new Hash32[rows.Count];
        for (int i = 0; i < leaves.Length; i++)
        {
            leaves[i] = HashRow<T, TEncoder>(rows[i]);
        }
        return VerifyLeaves(root, logRows, indices, leaves, proof);
    }

    private static bool CheckIndices(ReadOnlySpan<int> indices, int logRows, bool throwOnError)
    {
        string? error = null;
        if (indices.IsEmpty)
        {
            error = "no rows to open";
        }
        for (int i = 0; error is null && i < indices.Length; i++)
        {
            if ((uint)indices[i] >= 1u << logRows)
            {
                error = $"row {indices[i]} is outside a tree of 2^{logRows} rows";
            }
            else if (i > 0 && indices[i] <= indices[i - 1])
            {
                error = "row indices must be strictly increasing";
            }
        }
        return error is null || (throwOnError ? throw new ArgumentException(error, nameof(indices)) : false);
    }

    private static RowCommitment Build<T, TEncoder>(IReadOnlyList<T[]> columnList, int groups)
        where T : struct
        where TEncoder : struct, IElementEncoder<T>
    {
        ArgumentNullException.ThrowIfNull(columnList);
        if (columnList.Count == 0)
        {
            throw new ArgumentException("a commitment needs at least one column", nameof(columnList));
        }
        T[][] columns = [.. columnList];
        int length = columns[0].Length;
        if (groups < 1 || !int.IsPow2(groups) || length % groups != 0)
        {
            throw new ArgumentException($"{groups} groups do not cut columns of {length} values into equal power-of-two slices", nameof(groups));
        }
        int rows = length / groups;
        if (rows == 0 || !int.IsPow2(rows) || rows > 1 << MaxLogRows)
        {
            throw new ArgumentException($"the row count must be a power of two up to 2^{MaxLogRows}, got {rows}", nameof(columnList));
        }
        foreach (T[] column in columns)
        {
            if (column.Length != length)
            {
                throw new ArgumentException($"columns differ in length: {column.Length} and {length}", nameof(columnList));
            }
        }

        var nodes = new Hash32[2 * rows];
        int columnCount = columns.Length;
        int rowBytes = groups * columnCount * TEncoder.Size;
        ForChunks(rows, (start, end) =>
        {
            byte[] buffer = new byte[1 + rowBytes];
            buffer[0] = RowTag;
            for (int i = start; i < end; i++)
            {
                int offset = 1;
                for (int t = 0; t < groups; t++)
                {
                    int index = t * rows + i;
                    for (int c = 0; c < columnCount; c++)
                    {
                        TEncoder.Write(columns[c][index], buffer.AsSpan(offset));
                        offset += TEncoder.Size;
                    }
                }
                nodes[rows + i] = Blake3Hash.Of(buffer);
            }
        });
        for (int width = rows / 2; width >= 1; width /= 2)
        {
            int first = width;
            ForChunks(width, (start, end) =>
            {
                for (int v = first + start; v < first + end; v++)
                {
                    nodes[v] = Blake3Hash.Node(nodes[2 * v], nodes[2 * v + 1]);
                }
            });
        }
        // With one row the leaf is node 1, the root.
        return new RowCommitment(nodes, int.Log2(rows));
    }

    private static Hash32 HashRow<T, TEncoder>(ReadOnlySpan<T> row)
        where T : struct
        where TEncoder : struct, IElementEncoder<T>
    {
        int length = 1 + row.Length * TEncoder.Size;
        Span<byte> buffer = length <= 1024 ? stackalloc byte[length] : new byte[length];
        buffer[0] = RowTag;
        for (int c = 0; c < row.Length; c++)
        {
            TEncoder.Write(row[c], buffer[(1 + c * TEncoder.Size)..]);
        }
        return Blake3Hash.Of(buffer);
    }

    // One contiguous range per core: the work per item is uniform, so a static split balances.
    private static void ForChunks(int count, Action<int, int> body)
    {
        int tasks = count >= ParallelThreshold ? Environment.ProcessorCount : 1;
        if (tasks == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, tasks, t => body((int)((long)count * t / tasks), (int)((long)count * (t + 1) / tasks)));
    }

    // Lets one generic builder serve both fields with the encoding inlined.
    private interface IElementEncoder<T>
    {
        static abstract int Size { get; }

        static abstract void Write(T value, Span<byte> destination);
    }

    private readonly struct BaseEncoder : IElementEncoder<Goldilocks>
    {
        public static int Size => Goldilocks.EncodedLength;

        public static void Write(Goldilocks value, Span<byte> destination) => value.WriteTo(destination);
    }

    private readonly struct ExtEncoder : IElementEncoder<GoldilocksExt2>
    {
        public static int Size => GoldilocksExt2.EncodedLength;

        public static void Write(GoldilocksExt2 value, Span<byte> destination) => value.WriteTo(destination);
    }
}
