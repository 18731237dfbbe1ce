using System.Net;
using System.Text;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Transactions;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>
/// Every refused request answers application/problem+json with the right status and stable code, changes nothing
/// (the sender's balance and nonce, the mempool size), and leaves the node serving and producing blocks.
/// </summary>
public sealed class BadInputTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public BadInputTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Rejects_bytes_that_are_not_a_transaction_with_a_codec_error()
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", [0xFF, 0x01, 0x02, 0x03]),
            HttpStatusCode.BadRequest, "codec.unknown_version");
    }

    [Fact]
    public async Task Rejects_an_empty_body_as_truncated()
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", []), HttpStatusCode.BadRequest, "codec.truncated");
    }

    [Fact]
    public async Task Rejects_a_truncated_transaction()
    {
        var sender = _fixture.TakeFundedAccount();
        var bytes = GoodTransfer(sender).Bytes();

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", bytes[..^1]), HttpStatusCode.BadRequest, "codec.truncated");
    }

    [Fact]
    public async Task Rejects_a_transaction_followed_by_trailing_bytes()
    {
        var sender = _fixture.TakeFundedAccount();
        byte[] bytes = [.. GoodTransfer(sender).Bytes(), 0x00];

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", bytes), HttpStatusCode.BadRequest, "codec.trailing_bytes");
    }

    [Fact]
    public async Task Rejects_an_unknown_transaction_kind()
    {
        var sender = _fixture.TakeFundedAccount();
        var bytes = GoodTransfer(sender).Bytes();
        // version (1) + chain id length (4) + chain id, then the kind tag.
        bytes[1 + 4 + TestNode.ChainId.Length] = 0x7F;

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", bytes), HttpStatusCode.BadRequest, "codec.invalid_value");
    }

    [Fact]
    public async Task Rejects_a_transaction_signed_by_another_key()
    {
        var sender = _fixture.TakeFundedAccount();
        var forged = Tx.Transfer(sender, Recipient, 10).SignedBy(TestKeys.Stranger("forger"));

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(forged), HttpStatusCode.UnprocessableEntity, "tx.bad_signature");
    }

    [Fact]
    public async Task Rejects_a_transaction_whose_signature_bytes_were_altered()
    {
        var sender = _fixture.TakeFundedAccount();
        var bytes = GoodTransfer(sender).Bytes();
        bytes[^1] ^= 0x01;

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", bytes), HttpStatusCode.UnprocessableEntity, "tx.bad_signature");
    }

    [Fact]
    public async Task Rejects_a_transaction_for_another_chain()
    {
        var sender = _fixture.TakeFundedAccount();
        var foreign = Tx.Transfer(sender, Recipient, 10).OnChain("pocc-other").Signed();

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(foreign), HttpStatusCode.UnprocessableEntity, "tx.wrong_chain_id");
    }

    [Fact]
    public async Task Rejects_a_nonce_that_is_already_used()
    {
        var sender = _fixture.TakeFundedAccount();
        await Node.SubmitAndFinalizeAsync(Tx.Transfer(sender, Recipient, 10).Signed());
        var replay = Tx.Transfer(sender, Recipient, 11).WithNonce(0).Signed();

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(replay), HttpStatusCode.UnprocessableEntity, "tx.nonce_too_low");
    }

    [Fact]
    public async Task Rejects_a_nonce_too_far_ahead_of_the_account()
    {
        var sender = _fixture.TakeFundedAccount();
        var ahead = Tx.Transfer(sender, Recipient, 10).WithNonce(1_000).Signed();

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(ahead), HttpStatusCode.UnprocessableEntity, "tx.nonce_gap");
    }

    [Fact]
    public async Task Rejects_a_transfer_of_more_than_the_balance()
    {
        var sender = _fixture.TakeFundedAccount();
        var tooMuch = Tx.Transfer(sender, Recipient, TestNode.FundedBalance).Signed();

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(tooMuch), HttpStatusCode.UnprocessableEntity, "tx.insufficient_funds");
    }

    [Fact]
    public async Task Rejects_a_fee_below_the_minimum()
    {
        var sender = _fixture.TakeFundedAccount();
        var free = Tx.Transfer(sender, Recipient, 10).WithFee(0).Signed();

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(free), HttpStatusCode.UnprocessableEntity, "tx.fee_too_low");
    }

    [Fact]
    public async Task Rejects_a_zero_amount_and_a_transfer_to_oneself()
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(Tx.Transfer(sender, Recipient, 0).Signed()),
            HttpStatusCode.UnprocessableEntity, "tx.zero_amount");
        await AssertRefusedAsync(sender, () => Node.SubmitAsync(Tx.Transfer(sender, sender.Address, 10).Signed()),
            HttpStatusCode.UnprocessableEntity, "tx.self_transfer");
    }

    [Fact]
    public async Task Rejects_a_transaction_that_is_already_pending_as_a_conflict()
    {
        var sender = _fixture.TakeFundedAccount();
        // Nonce 1 with nothing at nonce 0 waits in the mempool, so the resubmission meets it there whatever the block timing.
        var waiting = Tx.Transfer(sender, Recipient, 10).WithNonce(1).Signed();
        using (var first = await Node.SubmitAsync(waiting))
        {
            await ApiAssert.StatusAsync(first, HttpStatusCode.Accepted);
        }

        await AssertRefusedAsync(sender, () => Node.SubmitAsync(waiting), HttpStatusCode.Conflict, "tx.duplicate");
        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions", $$"""{"tx":"{{waiting.Hex()}}"}"""),
            HttpStatusCode.Conflict, "tx.duplicate");
    }

    [Fact]
    public async Task Rejects_a_body_over_the_transaction_size_limit()
    {
        var sender = _fixture.TakeFundedAccount();
        var oversize = new byte[SignedTransaction.MaxEncodedSize + 1];

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", oversize),
            HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions", $$"""{"tx":"{{Convert.ToHexString(oversize)}}"}"""),
            HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    [Fact]
    public async Task Rejects_a_batch_body_over_the_server_request_limit()
    {
        var sender = _fixture.TakeFundedAccount();
        // One hex string longer than Kestrel's 4 MiB MaxRequestBodySize.
        var body = new StringBuilder(5 * 1024 * 1024).Append("{\"txs\":[\"").Append('a', 5 * 1024 * 1024).Append("\"]}").ToString();

        await AssertRefusedAsync(sender, () => PostWithExpectContinueAsync("/v1/transactions/batch", body, "application/json"),
            HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("application/json")]
    public async Task Rejects_a_transaction_body_over_the_server_request_limit(string contentType)
    {
        var sender = _fixture.TakeFundedAccount();
        var body = new StringBuilder(5 * 1024 * 1024).Append("{\"tx\":\"").Append('a', 5 * 1024 * 1024).Append("\"}").ToString();

        await AssertRefusedAsync(sender, () => PostWithExpectContinueAsync("/v1/transactions", body, contentType),
            HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    [Fact]
    public async Task Rejects_a_batch_of_more_transactions_than_the_limit()
    {
        var sender = _fixture.TakeFundedAccount();
        var items = string.Join(',', Enumerable.Repeat("\"00\"", Pocc.Node.Api.NodeApi.MaxBatchTransactions + 1));

        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions/batch", $$"""{"txs":[{{items}}]}"""),
            HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    [Theory]
    [InlineData("""{"tx":"not hex at all"}""")]
    [InlineData("""{"tx":"abc"}""")]
    public async Task Rejects_a_tx_field_that_is_not_hex(string json)
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions", json), HttpStatusCode.BadRequest, "request.malformed");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"tx":null}""")]
    [InlineData("""{"tx":""")]
    [InlineData("""{"tx":42}""")]
    [InlineData("[]")]
    [InlineData("")]
    public async Task Rejects_json_that_is_not_a_submission(string json)
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions", json), HttpStatusCode.BadRequest, "request.malformed");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task Rejects_an_unsupported_content_type(string? contentType)
    {
        var sender = _fixture.TakeFundedAccount();
        var bytes = GoodTransfer(sender).Bytes();

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions", bytes, contentType),
            HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Fact]
    public async Task Rejects_a_batch_that_is_not_json()
    {
        var sender = _fixture.TakeFundedAccount();
        var bytes = GoodTransfer(sender).Bytes();

        await AssertRefusedAsync(sender, () => Node.PostBytesAsync("/v1/transactions/batch", bytes),
            HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions/batch", """{"txs":"""),
            HttpStatusCode.BadRequest, "request.malformed");
        await AssertRefusedAsync(sender, () => Node.PostJsonAsync("/v1/transactions/batch", "{}"),
            HttpStatusCode.BadRequest, "request.malformed");
    }

    [Theory]
    [InlineData("/v1/blocks/999999999", 404, "block.not_found")]
    [InlineData("/v1/blocks/0", 404, "block.not_found")]
    [InlineData("/v1/blocks/18446744073709551615", 404, "block.not_found")]
    [InlineData("/v1/blocks/00000000000000000000000000000000000000000000000000000000000000ff", 404, "block.not_found")]
    [InlineData("/v1/blocks/not-a-block", 400, "request.invalid_id")]
    [InlineData("/v1/blocks/-1", 400, "request.invalid_id")]
    [InlineData("/v1/blocks/18446744073709551616", 400, "request.invalid_id")]
    [InlineData("/v1/blocks/LATEST", 400, "request.invalid_id")]
    [InlineData("/v1/transactions/0000000000000000000000000000000000000000000000000000000000000001", 404, "tx.not_found")]
    [InlineData("/v1/transactions/xyz", 400, "request.invalid_id")]
    [InlineData("/v1/accounts/pocc1notanaddress", 400, "request.invalid_address")]
    [InlineData("/v1/accounts/bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", 400, "request.invalid_address")]
    [InlineData("/v1/accounts/0123", 400, "request.invalid_address")]
    [InlineData("/v1/no-such-route", 404, "http.not_found")]
    [InlineData("/no-such-route", 404, "http.not_found")]
    [InlineData("/v1/blocks?before=-1", 400, "request.malformed")]
    [InlineData("/v1/blocks?limit=many", 400, "request.malformed")]
    [InlineData("/v1/stats/history?limit=1e3", 400, "request.malformed")]
    public async Task Answers_a_bad_lookup_with_a_problem(string path, int status, string code)
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.Http.GetAsync(path), (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task Treats_a_64_character_id_as_a_block_hash_even_when_it_is_all_digits()
    {
        var sender = _fixture.TakeFundedAccount();
        await Node.WaitForHeightAsync(1);

        await AssertRefusedAsync(sender, () => Node.Http.GetAsync("/v1/blocks/" + new string('0', 63) + "1"), HttpStatusCode.NotFound, "block.not_found");
    }

    [Fact]
    public async Task Answers_a_wrong_method_with_a_problem()
    {
        var sender = _fixture.TakeFundedAccount();

        await AssertRefusedAsync(sender, () => Node.Http.DeleteAsync("/v1/status"), HttpStatusCode.MethodNotAllowed, "http.method_not_allowed");
        await AssertRefusedAsync(sender, () => Node.Http.GetAsync("/v1/transactions"), HttpStatusCode.MethodNotAllowed, "http.method_not_allowed");
    }

    [Fact]
    public async Task Rejects_a_full_flag_that_is_not_a_boolean()
    {
        var sender = _fixture.TakeFundedAccount();
        await Node.WaitForHeightAsync(1);

        await AssertRefusedAsync(sender, () => Node.Http.GetAsync("/v1/blocks/1?full=maybe"), HttpStatusCode.BadRequest, "request.malformed");
    }

    private async Task<HttpResponseMessage> PostWithExpectContinueAsync(string path, string body, string contentType)
    {
        // Expect: 100-continue lets the server refuse on the Content-Length alone, so the client never races its
        // upload against the server's early answer and closed connection.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        request.Headers.ExpectContinue = true;
        return await Node.Http.SendAsync(request);
    }

    private static Address Recipient => TestKeys.Stranger("bad-input-recipient").Address;

    private static SignedTransaction GoodTransfer(KeyPair sender) => Tx.Transfer(sender, Recipient, 10).Signed();

    /// <summary>
    /// Sends the request, checks the problem answer, then checks that the sender's account and the mempool are as before
    /// and that the node still answers and still commits blocks.
    /// </summary>
    private async Task AssertRefusedAsync(KeyPair sender, Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string code)
    {
        var accountBefore = await Node.AccountAsync(sender.Address);
        int mempoolBefore = await Node.MempoolSizeAsync();

        using (var response = await send())
        {
            await ApiAssert.ProblemAsync(response, status, code);
        }

        Assert.Equal(accountBefore, await Node.AccountAsync(sender.Address));
        Assert.Equal(mempoolBefore, await Node.MempoolSizeAsync());
        ulong height = (await Node.GetJsonAsync("/v1/status")).U64("height");
        await Node.WaitForHeightAsync(height + 1);
    }
}
