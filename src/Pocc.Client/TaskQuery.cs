using Pocc.Core.Addressing;
using Pocc.Ledger.Tasks;

namespace Pocc.Client;

/// <summary>
/// Which tasks <see cref="PoccClient.ListTasksAsync"/> lists: those in <see cref="State"/>, of <see cref="Worker"/>, with
/// ids below <see cref="Before"/> (paging), at most <see cref="Limit"/> per page (the node's default 100, at most 500).
/// </summary>
public sealed record TaskQuery(TaskState? State = null, Address? Worker = null, ulong? Before = null, int? Limit = null);
