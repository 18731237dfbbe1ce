namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>Mistakes made at the command line against a running node: clear errors, stable exit codes, nothing submitted.</summary>
[Collection(RunningNodeCollection.Name)]
public sealed class BadInputTests
{
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private readonly RunningNodeFixture _node;

    public BadInputTests(RunningNodeFixture node) => _node = node;

    [Fact]
    public async Task Transfer_to_a_mistyped_address_fails_and_submits_nothing()
    {
        // The sender is the funded non-validator account: its balance moves only with its own transactions.
        var typo = OneCharacterChanged(_node.ValidatorAddress);
        var before = await _node.Node.AccountAsync(_node.SecondAddress);

        var result = await PoccProcess.RunAsync("tx", "transfer", "--key", _node.SecondKeyFile, "--to", typo, "--amount", "5", "--node", _node.Url);

        CliAssert.FailedCleanly(result);
        Assert.DoesNotContain("submitted", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--to", result.Stderr, StringComparison.Ordinal);
        // Had anything been submitted, a few blocks later it would show in the sender's nonce and balance.
        await _node.Node.WaitForHeightAsync(await _node.Node.HeightAsync() + 3);
        var after = await _node.Node.AccountAsync(_node.SecondAddress);
        Assert.Equal(before["nonce"]!.GetValue<ulong>(), after["nonce"]!.GetValue<ulong>());
        Assert.Equal(before["balance"]!.GetValue<string>(), after["balance"]!.GetValue<string>());
        Assert.Equal(0, (await _node.Node.StatusAsync())["mempool_size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Transfer_beyond_the_balance_fails_with_the_insufficient_funds_code()
    {
        var before = await _node.Node.AccountAsync(_node.SecondAddress);

        var result = await PoccProcess.RunAsync("tx", "transfer", "--key", _node.SecondKeyFile, "--to", _node.ValidatorAddress,
            "--amount", "1000000", "--wait", "--node", _node.Url);

        CliAssert.FailedCleanly(result);
        Assert.Contains("tx.insufficient_funds", result.Stderr, StringComparison.Ordinal);
        var after = await _node.Node.AccountAsync(_node.SecondAddress);
        Assert.Equal(before["nonce"]!.GetValue<ulong>(), after["nonce"]!.GetValue<ulong>());
    }

    [Fact]
    public async Task Unbond_beyond_the_bonded_stake_fails_when_waiting_for_it()
    {
        var before = await _node.Node.AccountAsync(_node.SecondAddress);

        var result = await PoccProcess.RunAsync("tx", "unbond", "--key", _node.SecondKeyFile, "--amount", "1", "--wait", "--node", _node.Url);

        CliAssert.FailedCleanly(result);
        var after = await _node.Node.AccountAsync(_node.SecondAddress);
        Assert.Equal(before["bonded"]!.GetValue<string>(), after["bonded"]!.GetValue<string>());
        Assert.Equal(before["balance"]!.GetValue<string>(), after["balance"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unjail_from_an_account_that_is_no_jailed_validator_is_dropped_and_changes_nothing()
    {
        var before = await _node.Node.AccountAsync(_node.SecondAddress);

        var result = await PoccProcess.RunAsync("tx", "unjail", "--key", _node.SecondKeyFile, "--wait", "--node", _node.Url);

        CliAssert.FailedCleanly(result);
        // Admission checks only nonce and fee; the chain refuses it when it executes it (unjail.not_jailed).
        Assert.Contains("dropped", result.Stderr, StringComparison.Ordinal);
        var after = await _node.Node.AccountAsync(_node.SecondAddress);
        Assert.Equal(before["nonce"]!.GetValue<ulong>(), after["nonce"]!.GetValue<ulong>());
    }

    [Fact]
    public async Task Query_of_an_unknown_transaction_exits_with_code_3()
    {
        var result = await PoccProcess.RunAsync("query", "tx", new string('0', 64), "--node", _node.Url);

        CliAssert.FailedCleanly(result, exitCode: 3);
        Assert.Contains("tx.not_found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_of_a_block_above_the_head_exits_with_code_3()
    {
        var result = await PoccProcess.RunAsync("query", "block", "999999999", "--node", _node.Url);

        CliAssert.FailedCleanly(result, exitCode: 3);
    }

    [Fact]
    public async Task Query_of_a_malformed_address_fails_without_a_stack_trace()
    {
        var result = await PoccProcess.RunAsync("query", "account", OneCharacterChanged(_node.SecondAddress), "--node", _node.Url);

        CliAssert.FailedCleanly(result, exitCode: 1);
        Assert.Contains("request.invalid_address", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_node_on_the_same_home_fails_cleanly_while_the_first_keeps_running()
    {
        var height = await _node.Node.HeightAsync();

        var second = await PoccProcess.RunAsync("node", "run", "--home", _node.Home, "--api-url", FreePort.NextUrl());

        CliAssert.FailedCleanly(second);
        Assert.Contains("in use by another node", second.Stderr, StringComparison.Ordinal);
        Assert.False(_node.Node.HasExited, _node.Node.Output);
        await _node.Node.WaitForHeightAsync(height + 2);
    }

    /// <summary>The address with one character of its data part replaced by another valid Bech32 character.</summary>
    private static string OneCharacterChanged(string address)
    {
        int index = address.Length / 2;
        char replacement = Bech32Alphabet[(Bech32Alphabet.IndexOf(address[index], StringComparison.Ordinal) + 1) % Bech32Alphabet.Length];
        var typo = string.Concat(address.AsSpan(0, index), replacement.ToString(), address.AsSpan(index + 1));
        Assert.NotEqual(address, typo);
        return typo;
    }
}
