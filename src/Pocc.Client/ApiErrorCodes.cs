namespace Pocc.Client;

/// <summary>
/// The stable <c>code</c>s of the node API's own problems (requests it cannot route or parse, things it does not
/// have). Refusals by the ledger carry the ledger's codes (<c>Pocc.Ledger.LedgerErrors</c>, e.g.
/// <c>tx.insufficient_funds</c>) and blob-store refusals the store's (<c>blob.*</c>).
/// </summary>
public static class ApiErrorCodes
{
    public const string NotFound = "http.not_found";
    public const string BlockNotFound = "block.not_found";
    public const string TransactionNotFound = "tx.not_found";
    public const string InvalidAddress = "request.invalid_address";
    public const string InvalidId = "request.invalid_id";
    public const string InvalidQuery = "request.invalid_query";
    public const string MalformedBody = "request.malformed";
    public const string TooLarge = "request.too_large";
    public const string UnsupportedMediaType = "request.unsupported_media_type";
    public const string Internal = "internal";
}
