using Pocc.Ledger.Consensus;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Tests.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tests.Wal;

public sealed class ConsensusWalTests
{
    private static readonly MachineFixture Fixture = new();

    private static List<WalRecord> OneOfEach() =>
    [
        new WalEndHeight(new Height(4)),
        new WalEvent(new ProposalReceived(Fixture.SignedProposal(1, MachineFixture.A, 0))),
        new WalEvent(new VoteReceived(Fixture.Prevote(1, 0, MachineFixture.A))),
        new WalEvent(new VoteReceived(Fixture.Precommit(2, 0, null))),
        new WalEvent(new TimeoutElapsed(TimeoutKind.Prevote, MachineFixture.H, 3)),
        new WalEvent(new ProposalValidated(MachineFixture.H, MachineFixture.B, false)),
        new WalEvent(new ValueReady(MachineFixture.H, 2, MachineFixture.B, MachineFixture.Parts(MachineFixture.B))),
        new WalOwnProposal(Fixture.SignedProposal(3, MachineFixture.B)),
        new WalOwnVote(Fixture.Precommit(3, 1, MachineFixture.B)),
    ];

    private static void Write(string path, IEnumerable<WalRecord> records)
    {
        using var wal = ConsensusWal.Open(path);
        foreach (var record in records)
        {
            wal.Append(record);
        }
    }

    [Fact]
    public void Checksums_are_crc32c()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void A_second_open_of_the_same_log_fails_while_the_first_holds_it()
    {
        using var directory = new TempDirectory();
        using var wal = ConsensusWal.Open(directory.File("wal"));

        Assert.Throws<IOException>(() => ConsensusWal.Open(directory.File("wal")));
    }

    [Fact]
    public void Every_record_kind_round_trips_through_the_file()
    {
        using var directory = new TempDirectory();
        var records = OneOfEach();
        Write(directory.File("wal"), records);

        using var reopened = ConsensusWal.Open(directory.File("wal"));

        Assert.Equal(records, reopened.Records);
        Assert.Equal(0, reopened.TruncatedBytes);
    }

    [Fact]
    public void A_torn_last_record_is_cut_off_at_every_byte_and_appending_continues()
    {
        using var directory = new TempDirectory();
        string path = directory.File("wal");
        var records = OneOfEach();
        Write(path, records.SkipLast(1));
        long before = new FileInfo(path).Length;
        Write(path, records.TakeLast(1));
        var whole = File.ReadAllBytes(path);

        for (long cut = before; cut < whole.Length; cut++)
        {
            File.WriteAllBytes(path, whole.AsSpan(0, (int)cut).ToArray());
            using (var wal = ConsensusWal.Open(path))
            {
                Assert.Equal(records.SkipLast(1), wal.Records);
                Assert.Equal(cut - before, wal.TruncatedBytes);
                wal.Append(records[^1]);
            }
            using var reopened = ConsensusWal.Open(path);
            Assert.Equal(records, reopened.Records);
        }
    }

    [Fact]
    public void A_bad_checksum_in_the_last_record_or_a_zero_filled_tail_is_a_torn_tail()
    {
        using var directory = new TempDirectory();
        string path = directory.File("wal");
        var records = OneOfEach();
        Write(path, records);
        var whole = File.ReadAllBytes(path);
        whole[^1] ^= 0xFF;
        File.WriteAllBytes(path, [.. whole, .. new byte[100]]);

        using var wal = ConsensusWal.Open(path);

        Assert.Equal(records.SkipLast(1), wal.Records);
    }

    [Fact]
    public void Corruption_before_the_tail_is_reported_with_its_offset()
    {
        using var directory = new TempDirectory();
        string path = directory.File("wal");
        Write(path, OneOfEach());
        var bytes = File.ReadAllBytes(path);
        int secondRecord = ConsensusWal.RecordHeaderSize + sizeof(ulong);
        bytes[secondRecord + ConsensusWal.RecordHeaderSize + 5] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<WalCorruptException>(() => ConsensusWal.Open(path));

        Assert.Equal(WalCorruptException.CorruptRecord, error.Code);
        Assert.Equal(secondRecord, error.Offset);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Ending_a_height_keeps_only_its_marker_and_what_follows()
    {
        using var directory = new TempDirectory();
        string path = directory.File("wal");
        var next = new WalEvent(new TimeoutElapsed(TimeoutKind.Propose, MachineFixture.H.Next, 0));
        using (var wal = ConsensusWal.Open(path))
        {
            foreach (var record in OneOfEach())
            {
                wal.Append(record);
            }
            wal.EndHeight(MachineFixture.H);
            wal.Append(next);
        }

        using var reopened = ConsensusWal.Open(path);

        Assert.Equal([new WalEndHeight(MachineFixture.H), next], reopened.Records);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Handle_syncs_once_per_event_that_signs_and_never_for_one_that_does_not()
    {
        using var directory = new TempDirectory();
        var fixture = new MachineFixture(self: 0);
        using var wal = ConsensusWal.Open(directory.File("wal"));
        wal.Handle(fixture.Machine, new Start(MachineFixture.H, fixture.Validators, new RotatingProposers(fixture.Keys.Select(k => k.Address).ToArray())));
        Assert.Equal(0, wal.Syncs);

        // The proposer signs its proposal and its prevote on this one event.
        var output = wal.Handle(fixture.Machine, new ValueReady(MachineFixture.H, 0, MachineFixture.A, MachineFixture.Parts(MachineFixture.A)));
        Assert.Equal(2, output.Actions.Count(a => a is BroadcastProposal or BroadcastVote));
        Assert.Equal(1, wal.Syncs);

        // A prevote that makes no quorum is logged, not synced.
        Assert.True(wal.Handle(fixture.Machine, new VoteReceived(fixture.Prevote(1, 0, MachineFixture.A))).Accepted);
        Assert.Equal(1, wal.Syncs);
    }

    [Fact]
    public void Handle_records_accepted_events_and_own_signatures_but_not_refusals_or_starts()
    {
        using var directory = new TempDirectory();
        var fixture = new MachineFixture(self: 0);
        var proposal = fixture.SignedProposal(0, MachineFixture.A);
        using (var wal = ConsensusWal.Open(directory.File("wal")))
        {
            wal.Handle(fixture.Machine, new Start(MachineFixture.H, fixture.Validators, new RotatingProposers(fixture.Keys.Select(k => k.Address).ToArray())));
            wal.Handle(fixture.Machine, new ValueReady(MachineFixture.H, 0, MachineFixture.A, MachineFixture.Parts(MachineFixture.A)));
            Assert.False(wal.Handle(fixture.Machine, new ProposalReceived(proposal)).Accepted);
        }

        using var reopened = ConsensusWal.Open(directory.File("wal"));

        Assert.Equal([new WalEvent(new ValueReady(MachineFixture.H, 0, MachineFixture.A, MachineFixture.Parts(MachineFixture.A))), new WalOwnProposal(proposal), new WalOwnVote(fixture.Prevote(0, 0, MachineFixture.A))],
            reopened.Records);
    }
}
