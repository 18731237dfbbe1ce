namespace Pocc.Node.Telemetry;

/// <summary>
/// The name of one node's meter. OpenTelemetry matches meters by name across the whole process: a provider that
/// listens to "Pocc.Node" collects the instruments of every meter of that name, whichever node created them, and
/// drops them all when any of them is disposed. Each node in a process therefore gets a name of its own:
/// "Pocc.Node" for the first (a node process has only that one), "Pocc.Node.2" and so on for more nodes in one
/// process (tests), released when the node is disposed so a node restarted in-process reuses it.
/// </summary>
public sealed class MeterNameLease : IDisposable
{
    public const string BaseName = "Pocc.Node";

    private static readonly SortedSet<int> InUse = [];
    private readonly int _index;
    private int _released;

    public MeterNameLease()
    {
        lock (InUse)
        {
            _index = 1;
            while (InUse.Contains(_index))
            {
                _index++;
            }
            InUse.Add(_index);
        }
        Name = _index == 1 ? BaseName : $"{BaseName}.{_index}";
    }

    public string Name { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            lock (InUse)
            {
                InUse.Remove(_index);
            }
        }
    }
}
