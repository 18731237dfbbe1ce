using System.Buffers.Binary;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// Committee rotation: at every epoch boundary, if more validators are eligible (<see cref="ValidatorSet.IsEligible"/>)
/// than <see cref="ChainParameters.MaxValidators"/>, the boundary block's beacon draws that many of them, weighted by
/// bonded stake, without replacement; the rest are benched for the epoch. Integer arithmetic only, so every node draws
/// the same committee from the same state and beacon.
/// </summary>
public static class Committee
{
    /// <summary>
    /// Draws <paramref name="size"/> of <paramref name="candidates"/> (address order, positive weights). Draw i takes
    /// r = the first 16 bytes of BLAKE3(beacon ‖ i), big-endian, modulo the remaining total weight, and picks the
    /// candidate whose cumulative weight interval (in address order) holds r; the pick leaves the pool. The modulo
    /// bias is below total/2^128, negligible for any real stake. Returns the drawn addresses in address order.
    /// </summary>
    public static IReadOnlyList<Address> Draw(Hash32 beacon, IReadOnlyList<(Address Address, ulong Weight)> candidates, int size)
    {
        if (candidates.Count <= size)
        {
            return [.. candidates.Select(c => c.Address)];
        }
        var pool = new List<(Address Address, ulong Weight)>(candidates);
        UInt128 total = 0;
        foreach (var (_, weight) in pool)
        {
            total += weight;
        }
        var drawn = new SortedSet<Address>();
        Span<byte> input = stackalloc byte[Hash32.Size + 4];
        beacon.CopyTo(input);
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        for (int i = 0; i < size; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(input[Hash32.Size..], (uint)i);
            var digest = Blake3Hash.Of(input);
            digest.CopyTo(bytes);
            UInt128 r = BinaryPrimitives.ReadUInt128BigEndian(bytes) % total;
            int pick = 0;
            while (r >= pool[pick].Weight)
            {
                r -= pool[pick].Weight;
                pick++;
            }
            drawn.Add(pool[pick].Address);
            total -= pool[pick].Weight;
            pool.RemoveAt(pick);
        }
        return [.. drawn];
    }

    /// <summary>
    /// Benches everyone the draw leaves out and unbenches everyone it picks; with no more eligible validators than
    /// seats, nobody is benched. Runs in the epoch's last block, after compute credit is rolled.
    /// </summary>
    public static void Rotate(StateOverlay state, ChainParameters parameters, Hash32 beacon)
    {
        var addresses = state.ValidatorAddresses();
        var eligible = new List<(Address, ulong)>();
        foreach (var address in addresses)
        {
            var bonded = state.GetAccount(address).Bonded;
            if (ValidatorSet.IsEligible(state.GetValidator(address)!, bonded, parameters))
            {
                eligible.Add((address, bonded.Value));
            }
        }
        int seats = (int)Math.Min(parameters.MaxValidators, int.MaxValue);
        // Room for everyone: nobody is benched, so a validator unjailed mid-epoch rejoins at once.
        var seated = eligible.Count <= seats ? [.. addresses] : new HashSet<Address>(Draw(beacon, eligible, seats));
        foreach (var address in addresses)
        {
            var validator = state.GetValidator(address)!;
            bool benched = !seated.Contains(address);
            if (validator.Benched != benched)
            {
                state.SetValidator(address, validator with { Benched = benched });
            }
        }
    }
}
