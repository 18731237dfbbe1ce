using System.Text.Json;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Tests.State;

/// <summary>The evidence and voting-power parameters: their genesis names, defaults and ranges.</summary>
public sealed class ChainParametersTests
{
    public static TheoryData<string> OutOfRange => [.. Cases.Keys];

    private static readonly Dictionary<string, ChainParameters> Cases = new()
    {
        ["evidence age 0"] = new() { EvidenceMaxAgeBlocks = 0 },
        ["epoch of 0 blocks"] = new() { EpochLengthBlocks = 0 },
        ["0 compute units per power"] = new() { ComputeUnitsPerPower = 0 },
        ["slash above 100%"] = new() { EquivocationSlashBasisPoints = 10_001 },
        ["reward above 100%"] = new() { EvidenceRewardBasisPoints = 10_001 },
        ["compute cap above the stake"] = new() { ComputePowerCapBasisPoints = 10_001 },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Out_of_range_parameter_is_refused(string name) =>
        Assert.Throws<FormatException>(() => Cases[name].Validate());

    [Fact]
    public void Genesis_json_names_carry_the_new_parameters()
    {
        var parameters = JsonSerializer.Deserialize<GenesisParameters>("""
            { "evidence_max_age_blocks": 7, "equivocation_slash_basis_points": 250, "evidence_reward_basis_points": 0,
              "epoch_length_blocks": 20, "compute_units_per_power": 3, "compute_power_cap_basis_points": 10000 }
            """)!.ToChainParameters();

        Assert.Equal(7UL, parameters.EvidenceMaxAgeBlocks);
        Assert.Equal(250UL, parameters.EquivocationSlashBasisPoints);
        Assert.Equal(0UL, parameters.EvidenceRewardBasisPoints);
        Assert.Equal(20UL, parameters.EpochLengthBlocks);
        Assert.Equal(3UL, parameters.ComputeUnitsPerPower);
        Assert.Equal(10_000UL, parameters.ComputePowerCapBasisPoints);
        parameters.Validate();
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var p = new GenesisParameters().ToChainParameters();
        Assert.Equal((50UL, 500UL, 1_000UL, 100UL, 1_000UL, 5_000UL),
            (p.EvidenceMaxAgeBlocks, p.EquivocationSlashBasisPoints, p.EvidenceRewardBasisPoints, p.EpochLengthBlocks, p.ComputeUnitsPerPower, p.ComputePowerCapBasisPoints));
    }
}
