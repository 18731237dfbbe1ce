using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>Everything a refused block or transaction must leave as it was, in a form that compares by value.</summary>
internal sealed record ChainSnapshot(Height Height, Hash32 HeadHash, Hash32 StateRoot, Hash32 Beacon, string Supply, string Accounts)
{
    public static ChainSnapshot Of(Blockchain chain, IEnumerable<Address>? extra = null)
    {
        var addresses = TestKeys.FundedLabels.Append("validator").Select(label => TestKeys.Of(label).Address).Concat(extra ?? []);
        var accounts = string.Join(";", addresses.Distinct().Select(a => $"{a}={Convert.ToHexString(chain.GetAccount(a).Encode())}"));
        return new ChainSnapshot(chain.Height, chain.HeadHash, chain.StateRoot, chain.Beacon, Convert.ToHexString(chain.Supply.Encode()), accounts);
    }
}
