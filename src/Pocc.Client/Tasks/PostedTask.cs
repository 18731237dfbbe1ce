using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Client.Tasks;

/// <summary>A task this client posted: its id, the height of the block that recorded it, the posting transaction and the spec.</summary>
public sealed record PostedTask(ulong Id, ulong Height, SignedTransaction Transaction, TaskSpec Spec);
