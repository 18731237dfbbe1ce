using Xunit.Abstractions;

namespace Pocc.Simulation.Tests;

public sealed class SimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void One_seed_of_four_validators_with_one_byzantine_finalizes_the_target_height()
    {
        var result = Simulation.Run(new SimulationOptions { Seed = 1, Validators = 4, Byzantine = 1, Trace = true });
        foreach (var line in result.Trace)
        {
            output.WriteLine(line);
        }
        output.WriteLine($"{result}");
        Assert.Empty(result.Violations);
        Assert.True(result.MinHeight >= 4);
    }
}
