using System.Collections.Concurrent;
using System.Diagnostics;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Tasks;
using Pocc.Core.Encoding;
using Pocc.Proofs.Freivalds;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Verification;

/// <summary>
/// The node's check of committed compute results: reads the task's input and result blobs from the local blob
/// store and runs the check of the task's policy: Freivalds with the given challenge seed for a product, the STARK
/// verifier on the proof in the result blob for a STARK task. Never re-runs the task.
/// Verdicts are remembered per (task, result, seed), so the proposer's verdict and its own acceptance check of
/// that verdict cost one verification; "unavailable" is not, since a missing blob may yet be fetched.
/// </summary>
public sealed class BlobResultVerifier : IResultVerifier
{
    private const int MaxRemembered = 10_000;
    private readonly BlobStore _blobs;
    private ILogger _logger;
    private readonly ConcurrentDictionary<(ulong Task, Hash32 Result, Hash32 Seed), TaskOutcome> _verdicts = new();
    private long _verifyTicks;
    private long _verifications;

    /// <summary>Made before the host (the chain needs it to open); the host's logger is attached once it exists.</summary>
    public BlobResultVerifier(BlobStore blobs, ILogger? logger = null)
    {
        _blobs = blobs;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public void UseLogger(ILogger logger) => _logger = logger;

    /// <summary>Seconds spent in certificate checks so far (wall time of the checks themselves).</summary>
    public double VerifySeconds => TimeSpan.FromTicks(Interlocked.Read(ref _verifyTicks)).TotalSeconds;

    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>Raised after each certificate check with the time it took (for metrics).</summary>
    public event Action<TimeSpan>? Checked;

    public TaskOutcome Verify(ComputeTask task, Hash32 challengeSeed)
    {
        var key = (task.Id, task.Result.Root, challengeSeed);
        if (_verdicts.TryGetValue(key, out var known))
        {
            return known;
        }
        var outcome = Check(task, challengeSeed);
        if (outcome == TaskOutcome.ResultUnavailable)
        {
            // Not remembered: the blobs may arrive from a peer, and the next check must see them.
            return outcome;
        }
        if (_verdicts.Count >= MaxRemembered)
        {
            _verdicts.Clear();
        }
        _verdicts[key] = outcome;
        return outcome;
    }

    private TaskOutcome Check(ComputeTask task, Hash32 seed) =>
        task.Spec.Policy == VerificationPolicy.Stark ? CheckStark(task) : CheckFreivalds(task, seed);

    private TaskOutcome CheckFreivalds(ComputeTask task, Hash32 seed)
    {
        var spec = task.Spec;
        var type = TaskRules.ElementType(spec.Kind);
        Matrix a, b;
        try
        {
            a = Load(spec.InputA, type, spec.Rows, spec.Inner) ?? throw new InvalidDataException("input A is not available");
            b = Load(spec.InputB, type, spec.Inner, spec.Columns) ?? throw new InvalidDataException("input B is not available");
        }
        catch (Exception e) when (e is InvalidDataException or MatrixFormatException or IOException)
        {
            // Inputs are the requester's; a worker cannot have computed from them either.
            _logger.LogWarning("Task {Task}: inputs unusable ({Reason}); verdict: result unavailable", task.Id, e.Message);
            return TaskOutcome.ResultUnavailable;
        }
        Matrix c;
        try
        {
            var loaded = Load(task.Result, type, spec.Rows, spec.Columns);
            if (loaded is null)
            {
                _logger.LogInformation("Task {Task}: result blob {Root} is not available here", task.Id, task.Result.Root);
                return TaskOutcome.ResultUnavailable;
            }
            c = loaded;
        }
        catch (Exception e) when (e is InvalidDataException or MatrixFormatException)
        {
            _logger.LogInformation("Task {Task}: malformed result ({Reason})", task.Id, e.Message);
            return TaskOutcome.MalformedResult;
        }

        var clock = Stopwatch.StartNew();
        var result = type == MatrixElementType.Mod61
            ? FreivaldsVerifier.VerifyMod61(a, b, c, seed, task.Spec.Rounds)
            : FreivaldsVerifier.VerifyFloat64(a, b, c, seed, task.Spec.Rounds, task.Spec.ToleranceppB / 1e9);
        Counted(clock.Elapsed);
        _logger.LogInformation("Task {Task}: Freivalds {Verdict} in {Ms:F1} ms ({Rounds} rounds; {Statement})",
            task.Id, result.Accepted ? "accepted" : "rejected: " + result.Reason, clock.Elapsed.TotalMilliseconds, result.Rounds, result.SoundnessStatement);
        return result.Accepted ? TaskOutcome.Verified : TaskOutcome.WrongResult;
    }

    /// <summary>
    /// Decodes the inputs and the result blob and checks the proof against the statement they make, at the security
    /// the task asked for. A proof that does not verify is a wrong result whatever the reason: the worker chose it.
    /// </summary>
    private TaskOutcome CheckStark(ComputeTask task)
    {
        var spec = task.Spec;
        var computation = TaskKinds.StarkComputation(spec.Kind);
        Goldilocks[] inputs;
        try
        {
            var bytes = ReadBlob(spec.InputA, StarkTaskBlobs.InputsSize(computation)) ?? throw new InvalidDataException("the inputs blob is not available");
            inputs = StarkTaskBlobs.DecodeInputs(computation, bytes);
        }
        catch (Exception e) when (e is InvalidDataException or CodecException or IOException)
        {
            _logger.LogWarning("Task {Task}: inputs unusable ({Reason}); verdict: result unavailable", task.Id, e.Message);
            return TaskOutcome.ResultUnavailable;
        }
        Goldilocks[] outputs;
        byte[] proof;
        try
        {
            var bytes = ReadBlob(task.Result, StarkTaskBlobs.MaxResultSize);
            if (bytes is null)
            {
                _logger.LogInformation("Task {Task}: result blob {Root} is not available here", task.Id, task.Result.Root);
                return TaskOutcome.ResultUnavailable;
            }
            (outputs, proof) = StarkTaskBlobs.DecodeResult(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or CodecException)
        {
            _logger.LogInformation("Task {Task}: malformed result ({Reason})", task.Id, e.Message);
            return TaskOutcome.MalformedResult;
        }

        var clock = Stopwatch.StartNew();
        var air = StarkComputations.CreateAir(computation, inputs, (int)spec.Rows, outputs);
        bool accepted = StarkVerifier.TryVerify(air, proof, spec.Rounds, out string? reason);
        Counted(clock.Elapsed);
        _logger.LogInformation("Task {Task}: STARK {Verdict} in {Ms:F1} ms ({Air}, {Steps} steps, {Bytes} proof bytes, at least {Bits} bits required)",
            task.Id, accepted ? "accepted" : "rejected: " + reason, clock.Elapsed.TotalMilliseconds, air.Name, spec.Rows, proof.Length, spec.Rounds);
        return accepted ? TaskOutcome.Verified : TaskOutcome.WrongResult;
    }

    private void Counted(TimeSpan elapsed)
    {
        Interlocked.Add(ref _verifyTicks, elapsed.Ticks);
        Interlocked.Increment(ref _verifications);
        Checked?.Invoke(elapsed);
    }

    /// <summary>
    /// The bytes of blob <paramref name="blob"/>, null if it is not stored; throws if its stored size differs from the
    /// chain's or exceeds <paramref name="maxSize"/>.
    /// </summary>
    private byte[]? ReadBlob(BlobRef blob, int maxSize)
    {
        var info = _blobs.GetInfo(blob.Root);
        if (info is null)
        {
            return null;
        }
        if ((ulong)info.Value.Size != blob.Size || blob.Size > (ulong)maxSize)
        {
            throw new InvalidDataException($"blob {blob.Root} has {info.Value.Size} bytes; the chain says {blob.Size}, at most {maxSize} are accepted");
        }
        var bytes = new byte[(int)blob.Size];
        using var stream = _blobs.OpenRead(blob.Root);
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The matrix in blob <paramref name="blob"/>, null if the blob is not stored; throws if it is not the declared shape.</summary>
    private Matrix? Load(BlobRef blob, MatrixElementType type, uint rows, uint cols)
    {
        var info = _blobs.GetInfo(blob.Root);
        if (info is null)
        {
            return null;
        }
        if ((ulong)info.Value.Size != blob.Size)
        {
            throw new InvalidDataException($"blob {blob.Root} has {info.Value.Size} bytes, the chain says {blob.Size}");
        }
        using var stream = _blobs.OpenRead(blob.Root);
        var matrix = MatrixCodec.ReadFrom(stream, (long)blob.Size);
        if (matrix.ElementType != type || matrix.Rows != rows || matrix.Cols != cols)
        {
            throw new InvalidDataException($"blob {blob.Root} holds a {matrix.Shape} matrix, the task needs {rows}×{cols} {Matrix.ElementTypeName(type)}");
        }
        return matrix;
    }
}
