using Pocc.Core.Crypto;
using Pocc.Ledger.Genesis;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>Builds a <see cref="GenesisDocument"/> from labelled keys: <c>GenesisBuilder.Default().WithParameters(p => p with { ... })</c>.</summary>
internal sealed class GenesisBuilder
{
    public const string DefaultChainId = "pocc-test";
    public const ulong DefaultBalance = 1_000_000_000;
    public const ulong DefaultValidatorStake = 1_000_000;

    private readonly List<GenesisAccount> _accounts = [];
    private readonly List<(KeyPair Key, ulong Bonded)> _validators = [];
    private string _chainId = DefaultChainId;
    private ulong _genesisTimeMs;
    private GenesisParameters _parameters = new();

    /// <summary>alice, bob, carol and dave with <see cref="DefaultBalance"/> each, and "validator" as the only validator.</summary>
    public static GenesisBuilder Default()
    {
        var builder = new GenesisBuilder();
        foreach (var label in TestKeys.FundedLabels)
        {
            builder.WithAccount(label, DefaultBalance);
        }
        return builder.WithValidator("validator", DefaultValidatorStake);
    }

    public IReadOnlyList<KeyPair> ValidatorKeys => [.. _validators.Select(v => v.Key)];

    public string ChainId => _chainId;

    public GenesisBuilder WithChainId(string chainId)
    {
        _chainId = chainId;
        return this;
    }

    public GenesisBuilder WithGenesisTime(ulong milliseconds)
    {
        _genesisTimeMs = milliseconds;
        return this;
    }

    public GenesisBuilder WithAccount(string label, ulong balance, ulong bonded = 0)
    {
        _accounts.Add(new GenesisAccount(TestKeys.Of(label).Address.ToString(), balance, bonded));
        return this;
    }

    public GenesisBuilder WithValidator(string label, ulong bonded)
    {
        _validators.Add((TestKeys.Of(label), bonded));
        return this;
    }

    public GenesisBuilder WithoutValidators()
    {
        _validators.Clear();
        return this;
    }

    public GenesisBuilder WithParameters(Func<GenesisParameters, GenesisParameters> edit)
    {
        _parameters = edit(_parameters);
        return this;
    }

    public GenesisDocument Build()
    {
        var document = new GenesisDocument
        {
            ChainId = _chainId,
            GenesisTimeMs = _genesisTimeMs,
            Parameters = _parameters,
            Accounts = [.. _accounts],
            Validators = [.. _validators.Select(v => new GenesisValidator(v.Key.PublicKey.ToString(), v.Bonded))],
        };
        document.Validate();
        return document;
    }
}
