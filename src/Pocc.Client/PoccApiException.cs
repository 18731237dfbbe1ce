using System.Globalization;
using System.Net;

namespace Pocc.Client;

/// <summary>
/// The node answered with an error: an RFC 7807 problem with a stable <see cref="PoccClientException.Code"/> (e.g.
/// <c>tx.insufficient_funds</c>, <c>block.not_found</c>). An error answer without a problem body gets the code
/// <c>http.STATUS</c>. The message is "code: detail".
/// </summary>
public sealed class PoccApiException : PoccClientException
{
    /// <summary>The node's answer <paramref name="statusCode"/> with the problem's <paramref name="code"/>, <paramref name="title"/> and <paramref name="detail"/>.</summary>
    public PoccApiException(HttpStatusCode statusCode, string code, string? title, string? detail)
        : base($"{code}: {detail ?? title ?? statusCode.ToString()}", code)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
    }

    public PoccApiException() : this(HttpStatusCode.InternalServerError, "http.500", null, null) { }

    public PoccApiException(string message) : base(message) => StatusCode = HttpStatusCode.InternalServerError;

    public PoccApiException(string message, Exception innerException) : base(message, innerException) => StatusCode = HttpStatusCode.InternalServerError;

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's short, human-readable summary of its kind (e.g. "Transaction rejected"), if it had one.</summary>
    public string? Title { get; }

    /// <summary>The problem's explanation of this occurrence, if it had one.</summary>
    public string? Detail { get; }

    /// <summary>True for a 404: the thing asked for does not exist (on this node).</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>Server errors and a full mempool pass; a refusal of the request itself does not.</summary>
    public override bool IsTransient => (int)StatusCode >= 500;

    /// <summary>The code of an error answer that carries no problem body.</summary>
    internal static string CodeFor(HttpStatusCode status) => string.Create(CultureInfo.InvariantCulture, $"http.{(int)status}");
}
