using Pocc.Client;
using Pocc.Core.Encoding;
using Pocc.Ledger;

namespace Pocc.Node.Api;

/// <summary>
/// RFC 7807 problem+json responses. Every problem carries a stable machine-readable <c>code</c>
/// (e.g. <c>tx.insufficient_funds</c>) that clients match on; titles and details are for people.
/// </summary>
public static class ApiProblems
{
    public const string NotFound = ApiErrorCodes.NotFound;
    public const string BlockNotFound = ApiErrorCodes.BlockNotFound;
    public const string TransactionNotFound = ApiErrorCodes.TransactionNotFound;
    public const string InvalidAddress = ApiErrorCodes.InvalidAddress;
    public const string InvalidId = ApiErrorCodes.InvalidId;
    public const string InvalidQuery = ApiErrorCodes.InvalidQuery;
    public const string MalformedBody = ApiErrorCodes.MalformedBody;
    public const string TooLarge = ApiErrorCodes.TooLarge;
    public const string UnsupportedMediaType = ApiErrorCodes.UnsupportedMediaType;
    public const string Internal = ApiErrorCodes.Internal;

    public static IResult Problem(int status, string code, string detail) =>
        Results.Problem(
            statusCode: status,
            title: TitleFor(code),
            detail: detail,
            type: $"https://pocc.dev/errors/{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>The problem for a page size outside 1..<paramref name="max"/>, or null when <paramref name="limit"/> is absent or within it.</summary>
    public static IResult? PageLimit(int? limit, int max) =>
        limit is < 1 || limit > max ? Problem(StatusCodes.Status400BadRequest, InvalidQuery, $"limit must be between 1 and {max}") : null;

    public static IResult From(LedgerException e) => Problem(StatusFor(e.Code), e.Code, e.Message);

    public static IResult From(CodecException e) => Problem(StatusCodes.Status400BadRequest, e.Code, e.Message);

    public static int StatusFor(string code) => code switch
    {
        LedgerErrors.Duplicate => StatusCodes.Status409Conflict,
        LedgerErrors.MempoolFull => StatusCodes.Status503ServiceUnavailable,
        LedgerErrors.SenderQueueFull => StatusCodes.Status429TooManyRequests,
        _ when code.StartsWith("codec.", StringComparison.Ordinal) => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static string TitleFor(string code) => code switch
    {
        NotFound or BlockNotFound or TransactionNotFound or "blob.not_found" or "blob.chunk_not_found" => "Not found",
        TooLarge or CodecException.TooLarge or "blob.too_large" => "Request too large",
        InvalidAddress or InvalidId or InvalidQuery or MalformedBody or UnsupportedMediaType => "Bad request",
        Internal => "Internal error",
        _ when code.StartsWith("codec.", StringComparison.Ordinal) => "Malformed encoding",
        _ when code.StartsWith("tx.", StringComparison.Ordinal) => "Transaction rejected",
        _ when code.StartsWith("mempool.", StringComparison.Ordinal) => "Mempool refused the transaction",
        _ => "Request failed",
    };
}
