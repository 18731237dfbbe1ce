using Pocc.Core.Hashing;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>Everything the compute market keeps, plus the head and the accounts, in a form that compares by value.</summary>
internal sealed record TaskSnapshot(Height Height, Hash32 HeadHash, Hash32 StateRoot, string Supply, string Accounts, string Workers, string Tasks, string OpenTasks)
{
    public static TaskSnapshot Of(Blockchain chain)
    {
        var accounts = TestKeys.FundedLabels.Append("validator").Select(label => TestKeys.Of(label).Address)
            .Select(a => $"{a}={Convert.ToHexString(chain.GetAccount(a).Encode())}");
        var workers = chain.GetWorkers().Select(w => $"{w.Key}={Convert.ToHexString(w.Value.Encode())}");
        var tasks = chain.GetTasks(ulong.MaxValue, int.MaxValue).Select(t => Convert.ToHexString(t.Encode()));
        var open = chain.GetOpenTasks().Select(t => t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new TaskSnapshot(chain.Height, chain.HeadHash, chain.StateRoot, Convert.ToHexString(chain.Supply.Encode()),
            string.Join(";", accounts), string.Join(";", workers), string.Join(";", tasks), string.Join(",", open));
    }
}
