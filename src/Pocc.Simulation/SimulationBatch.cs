namespace Pocc.Simulation;

/// <summary>Many seeds spread over a range of validator counts, run in parallel (each seed alone is single-threaded and deterministic).</summary>
public static class SimulationBatch
{
    /// <summary>The options of seed number <paramref name="seed"/>: sizes cycle through the range, so every size gets its share.</summary>
    /// <param name="byzantine">How many Byzantine validators, or null for the most each size tolerates.</param>
    public static SimulationOptions OptionsFor(int seed, int minValidators, int maxValidators, int? byzantine, ulong heights, bool equivocate = true)
    {
        int validators = minValidators + seed % (maxValidators - minValidators + 1);
        return new SimulationOptions
        {
            Seed = seed,
            Validators = validators,
            Byzantine = byzantine ?? SimulationOptions.MaxTolerated(validators),
            TargetHeight = heights,
            Equivocate = equivocate,
        };
    }

    /// <summary>Runs seeds <paramref name="firstSeed"/> onwards; the results come back in seed order whatever the parallelism.</summary>
    public static BatchSummary Run(int seeds, int minValidators, int maxValidators, int? byzantine, ulong heights, int firstSeed = 1,
        int parallelism = 0, bool equivocate = true)
    {
        var results = new SimulationResult[seeds];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        Parallel.For(0, seeds, parallel, i => results[i] = Simulation.Run(OptionsFor(firstSeed + i, minValidators, maxValidators, byzantine, heights, equivocate)));
        return new BatchSummary(results);
    }
}

/// <summary>The totals of a batch of seeds.</summary>
public sealed record BatchSummary(IReadOnlyList<SimulationResult> Results)
{
    public int Seeds => Results.Count;

    public ulong MinHeight => Results.Count == 0 ? 0 : Results.Min(r => r.MinHeight);

    public ulong MaxHeight => Results.Count == 0 ? 0 : Results.Max(r => r.MaxHeight);

    public uint MaxRound => Results.Count == 0 ? 0 : Results.Max(r => r.MaxRound);

    public long Evidence => Results.Sum(r => (long)r.Evidence);

    public long Crashes => Results.Sum(r => (long)r.Crashes);

    public long Junk => Results.Sum(r => (long)r.Junk);

    public IReadOnlyList<Violation> Violations => [.. Results.SelectMany(r => r.Violations)];
}
