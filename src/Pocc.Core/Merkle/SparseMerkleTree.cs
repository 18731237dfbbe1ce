using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Pocc.Core.Hashing;

namespace Pocc.Core.Merkle;

/// <summary>
/// The authenticated state: a compact sparse Merkle tree mapping 256-bit keys to value hashes, held in memory.
/// Key bits, most significant first, pick the path (0 = left). An empty subtree hashes to <see cref="Hash32.Zero"/>;
/// a subtree holding one entry is that entry's leaf (<see cref="SparseMerkleHashing.Leaf"/>) placed where the key first
/// becomes unique; any other subtree is <see cref="Blake3Hash.Node"/> of its two children. Each set of entries therefore
/// has exactly one shape and one <see cref="Root"/>, whatever order it was built in.
/// Not thread-safe: concurrent reads are fine, but nothing may read while a write is in progress.
/// </summary>
public sealed class SparseMerkleTree
{
    /// <summary>Key length in bits, and so the most siblings a proof can have.</summary>
    public const int KeyBits = 256;

    // Subtrees are referenced by an int: 0 is the empty subtree, n > 0 is _branches[n], n < 0 is _leaves[~n].
    // Paged arrays of structs instead of node objects keep a million-entry state invisible to the garbage collector.
    private const int Empty = 0;

    private readonly Arena<Branch> _branches = new();
    private readonly Arena<Leaf> _leaves = new();
    private int _root = Empty;

    public SparseMerkleTree()
    {
        // Slot 0 is never handed out, so that 0 can mean empty.
        _branches.Allocate();
    }

    /// <summary>The number of keys present.</summary>
    public int Count { get; private set; }

    /// <summary>The commitment to all entries; <see cref="Hash32.Zero"/> when the tree is empty.</summary>
    public Hash32 Root => HashOf(_root);

    /// <summary>Rebuilds a tree from its persisted entries in one pass, hashing every node once.</summary>
    /// <exception cref="ArgumentException">A key appears twice, which means the persisted state is corrupt.</exception>
    public static SparseMerkleTree Build(IEnumerable<KeyValuePair<Hash32, Hash32>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var pending = entries.TryGetNonEnumeratedCount(out int count) ? new List<Pending>(count) : [];
        foreach (var (key, valueHash) in entries)
        {
            pending.Add(new Pending(key, valueHash, IsRemoval: false, pending.Count));
        }
        Span<Pending> sorted = CollectionsMarshal.AsSpan(pending);
        sorted.Sort(default(PendingOrder));
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Key == sorted[i - 1].Key)
            {
                throw new ArgumentException($"key {sorted[i].Key} appears more than once", nameof(entries));
            }
        }

        var tree = new SparseMerkleTree();
        tree._root = tree.Update(Empty, 0, sorted);
        return tree;
    }

    public bool TryGet(Hash32 key, out Hash32 valueHash)
    {
        int node = _root;
        for (int depth = 0; node > 0; depth++)
        {
            ref readonly Branch branch = ref _branches[node];
            node = key.GetBit(depth) ? branch.Right : branch.Left;
        }
        if (node < 0 && _leaves[~node].Key == key)
        {
            valueHash = _leaves[~node].ValueHash;
            return true;
        }
        valueHash = default;
        return false;
    }

    /// <summary>Inserts or replaces the value hash of <paramref name="key"/>. For many keys, <see cref="Apply"/> is cheaper.</summary>
    public void Set(Hash32 key, Hash32 valueHash)
    {
        var update = new Pending(key, valueHash, IsRemoval: false, 0);
        _root = Update(_root, 0, new Span<Pending>(ref update));
    }

    /// <summary>Removes <paramref name="key"/>; false if it was absent.</summary>
    public bool Remove(Hash32 key)
    {
        int before = Count;
        var update = new Pending(key, default, IsRemoval: true, 0);
        _root = Update(_root, 0, new Span<Pending>(ref update));
        return Count < before;
    }

    /// <summary>
    /// Applies a batch of writes (a null value removes the key; the last write to a key wins) and rehashes each touched
    /// node once, instead of once per key as repeated <see cref="Set"/> calls would.
    /// </summary>
    public void Apply(IReadOnlyList<KeyValuePair<Hash32, Hash32?>> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        int count = updates.Count;
        if (count == 0)
        {
            return;
        }
        Pending[] buffer = ArrayPool<Pending>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var (key, valueHash) = updates[i];
                buffer[i] = new Pending(key, valueHash.GetValueOrDefault(), IsRemoval: valueHash is null, i);
            }
            Span<Pending> batch = buffer.AsSpan(0, count);
            batch.Sort(default(PendingOrder));
            _root = Update(_root, 0, batch[..KeepLastWritePerKey(batch)]);
        }
        finally
        {
            ArrayPool<Pending>.Shared.Return(buffer);
        }
    }

    /// <summary>A proof that <paramref name="key"/> is present with its current value hash, or that it is absent.</summary>
    public SparseMerkleProof Prove(Hash32 key)
    {
        var siblings = new List<Hash32>();
        int node = _root;
        for (int depth = 0; node > 0; depth++)
        {
            ref readonly Branch branch = ref _branches[node];
            bool right = key.GetBit(depth);
            siblings.Add(HashOf(right ? branch.Left : branch.Right));
            node = right ? branch.Right : branch.Left;
        }
        KeyValuePair<Hash32, Hash32>? leaf = node < 0 ? new(_leaves[~node].Key, _leaves[~node].ValueHash) : null;
        return new SparseMerkleProof(siblings, leaf);
    }

    // Applies sorted, distinct-key updates that all lie under `node` (so they share their first `depth` bits) and returns
    // the reference of the rebuilt subtree. Subtrees no update reaches are returned untouched, and every node on an
    // update's path is rehashed exactly once, on the way back up.
    private int Update(int node, int depth, Span<Pending> updates)
    {
        if (updates.IsEmpty)
        {
            return node;
        }
        if (updates.Length == 1)
        {
            ref readonly Pending update = ref updates[0];
            if (node == Empty)
            {
                return update.IsRemoval ? Empty : NewLeaf(update.Key, update.ValueHash);
            }
            if (node < 0 && _leaves[~node].Key == update.Key)
            {
                if (update.IsRemoval)
                {
                    FreeLeaf(~node);
                    return Empty;
                }
                ref Leaf leaf = ref _leaves[~node];
                leaf.ValueHash = update.ValueHash;
                leaf.Hash = SparseMerkleHashing.Leaf(leaf.Key, leaf.ValueHash);
                return node;
            }
        }

        // Distinct keys part ways by bit 255 at the latest, and a lone update meeting its own leaf stops above.
        Debug.Assert(depth < KeyBits, "distinct keys must diverge before the last bit");
        int left, right;
        if (node > 0)
        {
            (left, right) = (_branches[node].Left, _branches[node].Right);
        }
        else if (node < 0)
        {
            // A leaf sharing its subtree with other keys moves one level down, to the side its own key picks.
            (left, right) = _leaves[~node].Key.GetBit(depth) ? (Empty, node) : (node, Empty);
        }
        else
        {
            (left, right) = (Empty, Empty);
        }
        int split = FirstWithBitSet(updates, depth);
        int newLeft = Update(left, depth + 1, updates[..split]);
        int newRight = Update(right, depth + 1, updates[split..]);
        return Join(node > 0 ? node : Empty, newLeft, newRight);
    }

    // Makes the parent of two subtrees, reusing `branch` when it is not Empty. An empty pair or a lone leaf needs no
    // branch: it moves up to where it is unique, which is what keeps the shape independent of history.
    private int Join(int branch, int left, int right)
    {
        if ((left == Empty && right <= Empty) || (right == Empty && left < 0))
        {
            if (branch != Empty)
            {
                FreeBranch(branch);
            }
            return left == Empty ? right : left;
        }
        if (branch == Empty)
        {
            branch = NewBranch();
        }
        ref Branch node = ref _branches[branch];
        node.Left = left;
        node.Right = right;
        node.Hash = Blake3Hash.Node(HashOf(left), HashOf(right));
        return branch;
    }

    private Hash32 HashOf(int node) => node switch
    {
        > 0 => _branches[node].Hash,
        < 0 => _leaves[~node].Hash,
        _ => Hash32.Zero,
    };

    // Updates are sorted by key and share their first `depth` bits, so those with bit `depth` set form a suffix.
    private static int FirstWithBitSet(Span<Pending> updates, int depth)
    {
        int low = 0, high = updates.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (updates[middle].Key.GetBit(depth))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return low;
    }

    // Input is sorted by (key, arrival order); keeps the last update of each key, compacted to the front.
    private static int KeepLastWritePerKey(Span<Pending> sorted)
    {
        int kept = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i + 1 < sorted.Length && sorted[i + 1].Key == sorted[i].Key)
            {
                continue;
            }
            sorted[kept++] = sorted[i];
        }
        return kept;
    }

    private int NewLeaf(Hash32 key, Hash32 valueHash)
    {
        int index = _leaves.Allocate();
        _leaves[index] = new Leaf { Key = key, ValueHash = valueHash, Hash = SparseMerkleHashing.Leaf(key, valueHash) };
        Count++;
        return ~index;
    }

    private void FreeLeaf(int index)
    {
        _leaves.Free(index);
        Count--;
    }

    private int NewBranch() => _branches.Allocate();

    private void FreeBranch(int index) => _branches.Free(index);

    private struct Branch
    {
        public Hash32 Hash;
        public int Left;
        public int Right;
    }

    private struct Leaf
    {
        public Hash32 Key;
        public Hash32 ValueHash;
        public Hash32 Hash;
    }

    // A growable store of structs addressed by index, reusing freed slots. Growing adds a fixed-size page and never
    // moves what is stored, so a million-entry state grows without a copy spike and refs stay valid across Allocate.
    private sealed class Arena<T> where T : struct
    {
        private const int PageBits = 12;
        private const int PageSize = 1 << PageBits;

        private T[][] _pages = [];
        private int _pageCount;
        private int _used;
        private readonly Stack<int> _free = new();

        public ref T this[int index] => ref _pages[index >> PageBits][index & (PageSize - 1)];

        public int Allocate()
        {
            if (_free.TryPop(out int index))
            {
                return index;
            }
            if (_used == _pageCount * PageSize)
            {
                if (_pageCount == _pages.Length)
                {
                    Array.Resize(ref _pages, Math.Max(4, _pages.Length * 2));
                }
                _pages[_pageCount++] = new T[PageSize];
            }
            return _used++;
        }

        public void Free(int index) => _free.Push(index);
    }

    private readonly record struct Pending(Hash32 Key, Hash32 ValueHash, bool IsRemoval, int Order);

    private readonly struct PendingOrder : IComparer<Pending>
    {
        public int Compare(Pending x, Pending y)
        {
            int byKey = x.Key.CompareTo(y.Key);
            return byKey != 0 ? byKey : x.Order.CompareTo(y.Order);
        }
    }
}
