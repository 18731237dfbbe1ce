namespace Pocc.Storage;

/// <summary>A keyspace of the chain database; each one is a RocksDB column family with its own tuning.</summary>
public enum Column
{
    Headers,
    Blocks,
    TxIndex,
    State,
    Meta,
}
