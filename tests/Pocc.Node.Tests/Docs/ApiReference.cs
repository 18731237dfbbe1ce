using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pocc.Node.Tests.Docs;

/// <summary>
/// Renders the node's OpenAPI description as docs/api.md: a hand-written preamble (conventions, errors, paging, the
/// event stream), then every operation and every model, in a fixed order (paths, then methods, then status codes and
/// content types sorted; models by name), so the same description always gives the same bytes.
/// </summary>
internal static class ApiReference
{
    public const string RelativePath = "docs/api.md";

    public const string Regenerate =
        "POCC_UPDATE_DOCS=1 dotnet test tests/Pocc.Node.Tests -c Release --filter FullyQualifiedName~Pocc.Node.Tests.Docs.ApiReferenceTests";

    private static readonly string[] MethodOrder = ["get", "put", "post", "patch", "delete", "head", "options", "trace"];

    /// <summary>One row of the error table: the HTTP status, the codes answered with it, and when.</summary>
    public sealed record ErrorCodes(int Status, IReadOnlyList<string> Codes, string When);

    /// <summary>The problem codes the API answers with (the test checks each against the codes the node defines).</summary>
    public static readonly IReadOnlyList<ErrorCodes> Errors =
    [
        new(400, ["request.malformed"], "The body is not the JSON the endpoint expects, or a transaction is not hexadecimal."),
        new(400, ["request.invalid_id", "request.invalid_address", "request.invalid_query"],
            "A path or query value is not well-formed: a hash, root, height, task id or task state; an address; a `limit` out of range."),
        new(400, ["codec.truncated", "codec.trailing_bytes", "codec.too_large", "codec.non_canonical", "codec.unknown_version", "codec.invalid_value"],
            "The transaction's bytes are not the canonical encoding of a transaction (see [the protocol](protocol.md#canonical-encoding))."),
        new(404, ["http.not_found", "block.not_found", "tx.not_found", "task.not_found", "worker.not_found", "blob.not_found", "blob.chunk_not_found"],
            "No such route, or nothing with that id here."),
        new(405, ["http.method_not_allowed"], "The route exists but not with this method."),
        new(409, ["tx.duplicate"], "The same transaction is already pending."),
        new(413, ["request.too_large", "blob.too_large"], "The body, a transaction or a batch is over its limit; a blob is over `Blobs:MaxBlobBytes`."),
        new(415, ["request.unsupported_media_type"], "The `Content-Type` is not one the endpoint reads."),
        new(422, ["tx.bad_signature", "tx.wrong_chain_id", "tx.fee_too_low", "tx.zero_amount", "tx.self_transfer", "tx.nonce_too_low", "tx.nonce_gap",
                "tx.insufficient_funds", "tx.insufficient_stake", "task.invalid", "evidence.invalid", "mempool.replacement_fee_too_low"],
            "The mempool refused the transaction (see [the transactions](protocol.md#transactions) for each check)."),
        new(422, ["blob.root_mismatch"], "The uploaded bytes do not hash to the `?root=` the request asserted."),
        new(429, ["mempool.sender_queue_full"], "The sender already has `Node:MempoolMaxPerSender` transactions pending."),
        new(500, ["blob.corrupt", "internal"], "A stored blob no longer hashes to its root; any other failure of the node."),
        new(503, ["mempool.full"], "The mempool is full of transactions paying at least as much."),
    ];

    public static string Render(JsonElement description)
    {
        var md = new StringBuilder();
        md.Append("<!-- Generated from the node's OpenAPI description (/openapi/v1.json) by tests/Pocc.Node.Tests/Docs/ApiReferenceTests.cs.\n");
        md.Append("     Do not edit: change the API (or the preamble in ApiReference.cs), then run\n");
        md.Append("     ").Append(Regenerate).Append(" -->\n\n");
        md.Append("# HTTP API reference\n\n");
        AppendPreamble(md);

        var paths = description.GetProperty("paths").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var operations = new List<(string Method, string Path, JsonElement Operation)>();
        foreach (var path in paths)
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => MethodOrder.Contains(m.Name)).OrderBy(m => Array.IndexOf(MethodOrder, m.Name)))
            {
                operations.Add((method.Name.ToUpperInvariant(), path.Name, method.Value));
            }
        }
        var anchors = new Anchors();

        md.Append("## Endpoints\n\n| method | path | what it does |\n|---|---|---|\n");
        var operationAnchors = operations.Select(o => anchors.For($"{o.Method} {o.Path}")).ToList();
        for (int i = 0; i < operations.Count; i++)
        {
            var (method, path, operation) = operations[i];
            md.Append(CultureInfo.InvariantCulture, $"| `{method}` | [`{path}`](#{operationAnchors[i]}) | {Cell(Text(operation, "summary"))} |\n");
        }
        md.Append('\n');

        md.Append("## Operations\n\n");
        foreach (var (method, path, operation) in operations)
        {
            AppendOperation(md, method, path, operation);
        }

        md.Append("## Models\n\n");
        md.Append("Every field is present in every response; a field whose type includes `null` is null when it has no value.\n\n");
        foreach (var schema in description.GetProperty("components").GetProperty("schemas").EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            AppendModel(md, schema.Name, schema.Value);
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>The paths and methods of every operation in the description, as "GET /v1/status".</summary>
    public static IReadOnlyList<string> Operations(JsonElement description) =>
        [.. description.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => MethodOrder.Contains(m.Name)).Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))];

    private static void AppendPreamble(StringBuilder md)
    {
        md.Append("""
            Every endpoint of a PoCC node's HTTP API, generated from the OpenAPI description the node serves. How to run
            a node is in [running a node](running-a-node.md); what the objects mean is in [the protocol](protocol.md).

            ## Conventions

            - **Base URL.** A node listens where `Node:ApiUrl` says: `http://127.0.0.1:26657` by default, loopback only
              (exposing the API is a deliberate choice). Every path below is relative to it. The node also serves its
              OpenAPI 3.1 description at `/openapi/v1.json`, its dashboard at `/` and Prometheus metrics at `/metrics`.
            - **JSON.** Bodies are JSON with snake_case field names. Hashes, block ids, state roots, blob roots, public
              keys and signatures are lowercase hexadecimal; addresses are bech32m strings starting with `pocc1`.
            - **Amounts are decimal strings.** Balances, stakes, fees, rewards and the supply are strings of base units
              such as `"1000000"`: they can exceed 2^53, which a JavaScript number cannot hold exactly. Heights, nonces,
              counts and sizes are JSON numbers.
            - **Errors** are RFC 7807 `application/problem+json` objects with `type`, `title`, `status`, `detail` and a
              stable machine-readable `code` (the [ProblemDetails](#problemdetails) model below, plus `code`). Match on
              `code`; titles and details are for people and may change. A refused request changes nothing.
            - **Paging.** Lists come newest first with a `next_before` cursor: pass it back as `?before=` for the next
              page; `null` means there is nothing older. `?limit=` sets the page size: `/v1/blocks` 50 by default, at most
              200 (more is refused with `request.invalid_query`); `/v1/tasks` 100 by default, clamped to 1–500. `/v1/tasks`
              also filters by `?state=` (`posted`, `assigned`, `committed`, `verified`, `settled`, `rejected`, `expired`)
              and `?worker=ADDRESS`. `/v1/stats/history?limit=N` (default 300, at most 1,000) returns the last N blocks
              oldest first.
            - **Transactions** are submitted as their canonical signed bytes: raw (`application/octet-stream`) or hex in
              JSON (`{"tx": "…"}`); `POST /v1/transactions/batch` takes up to 10,000 (`{"txs": ["…", …]}`) and answers
              per item. A 202 means admitted to the mempool, not final: poll `GET /v1/transactions/{hash}` until its
              `status` is `finalized` (with a Merkle proof of inclusion against the block's transactions root), or follow
              the event stream. An admitted transaction can still be left out of a block when the state changed in the
              meantime (e.g. `tx.too_many_unbondings`, `task.wrong_state`, `task.deadline_passed`): it is then dropped
              from the mempool, never finalizes and its lookup answers 404.

            ### Error codes

            | status | code | when |
            |---|---|---|

            """);
        foreach (var row in Errors)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {row.Status} | {string.Join(", ", row.Codes.Select(c => $"`{c}`"))} | {row.When} |\n");
        }
        md.Append("""

            ### The block event stream

            `GET /v1/events/blocks` is a server-sent event stream (`text/event-stream`). It opens with the comment line
            `: connected`; then each block this node finalizes arrives as one event:

            ```text
            event: block
            id: 42
            data: {"height":42,"hash":"…","timestamp_ms":1764000000000,"transaction_count":3,"state_root":"…","proposer":"pocc1…","finality_ms_p50":131,"tasks":[{"id":7,"state":"settled","outcome":"verified","worker":"pocc1…"}]}

            ```

            `id` is the block's height. `data` is one line of JSON: the header's height, hash, timestamp, transaction
            count, state root and proposer, the node's median finality latency so far (`null` before it has measured
            any), and `tasks`, the compute tasks whose state the block changed (with their new `state`, `outcome` and
            `worker`, which is `null` while unassigned). After 15 seconds without a block the node sends a
            `: keep-alive` comment. Each subscriber has a queue of 256 events; one that falls further behind loses the
            oldest rather than slowing the node, and the stream does not replay what a client missed (there is no
            `Last-Event-ID` support): compare `id` with the last height seen and fetch gaps from `GET /v1/blocks`. The
            stream ends when the client disconnects or the node stops.


            """);
    }

    private static void AppendOperation(StringBuilder md, string method, string path, JsonElement operation)
    {
        md.Append(CultureInfo.InvariantCulture, $"### `{method} {path}`\n\n");
        if (Text(operation, "summary") is { Length: > 0 } summary)
        {
            md.Append(summary).Append("\n\n");
        }
        if (Text(operation, "description") is { Length: > 0 } description)
        {
            md.Append(description).Append("\n\n");
        }
        if (Text(operation, "operationId") is { Length: > 0 } id)
        {
            md.Append(CultureInfo.InvariantCulture, $"Operation id: `{id}`\n\n");
        }

        if (operation.TryGetProperty("parameters", out var parameters) && parameters.GetArrayLength() > 0)
        {
            md.Append("**Parameters**\n\n| name | in | type | required |\n|---|---|---|---|\n");
            foreach (var parameter in parameters.EnumerateArray())
            {
                var type = parameter.TryGetProperty("schema", out var schema) ? TypeOf(schema) : "";
                bool required = parameter.TryGetProperty("required", out var r) && r.GetBoolean();
                md.Append(CultureInfo.InvariantCulture, $"| `{Text(parameter, "name")}` | {Text(parameter, "in")} | {Cell(type)} | {(required ? "yes" : "no")} |\n");
                if (Text(parameter, "description") is { Length: > 0 } about)
                {
                    md.Append(CultureInfo.InvariantCulture, $"| | | {Cell(about)} | |\n");
                }
            }
            md.Append('\n');
        }

        if (operation.TryGetProperty("requestBody", out var body))
        {
            bool required = body.TryGetProperty("required", out var r) && r.GetBoolean();
            md.Append(required ? "**Request body** (required)\n\n" : "**Request body** (optional)\n\n");
            foreach (var (contentType, schema) in Contents(body))
            {
                md.Append(CultureInfo.InvariantCulture, $"- `{contentType}`{(schema is null ? "" : ": " + schema)}\n");
            }
            md.Append('\n');
        }

        md.Append("**Responses**\n\n| status | meaning | body |\n|---|---|---|\n");
        foreach (var response in operation.GetProperty("responses").EnumerateObject().OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var contents = Contents(response.Value).Select(c => c.Schema is null ? $"`{c.ContentType}`" : $"`{c.ContentType}`: {c.Schema}");
            md.Append(CultureInfo.InvariantCulture, $"| {response.Name} | {Cell(Text(response.Value, "description"))} | {Cell(string.Join("<br>", contents))} |\n");
        }
        md.Append('\n');
    }

    private static void AppendModel(StringBuilder md, string name, JsonElement schema)
    {
        md.Append(CultureInfo.InvariantCulture, $"### {name}\n\n");
        if (Text(schema, "description") is { Length: > 0 } description)
        {
            md.Append(description).Append("\n\n");
        }
        if (!schema.TryGetProperty("properties", out var properties))
        {
            md.Append(CultureInfo.InvariantCulture, $"{TypeOf(schema)}.\n\n");
            return;
        }
        var required = schema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
        md.Append("| field | type | required |\n|---|---|---|\n");
        foreach (var property in properties.EnumerateObject())
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{property.Name}` | {Cell(TypeOf(property.Value))} | {(required.Contains(property.Name) ? "yes" : "no")} |\n");
        }
        md.Append('\n');
    }

    /// <summary>The content types of a request body or response, sorted, each with its schema rendered (null when none is given).</summary>
    private static IEnumerable<(string ContentType, string? Schema)> Contents(JsonElement element)
    {
        if (!element.TryGetProperty("content", out var content))
        {
            return [];
        }
        return content.EnumerateObject()
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => (c.Name, c.Value.TryGetProperty("schema", out var schema) ? TypeOf(schema) : null))
            .ToList();
    }

    /// <summary>
    /// A schema as readable text: a link for a model, "array of …", the JSON type with its format, "or null" when null is
    /// allowed. ASP.NET describes numbers as <c>["integer", "string"]</c> or <c>["number", "string"]</c> with a digits
    /// pattern because it also reads numeric strings; the API writes them as numbers, so they read as "integer" or "number" here.
    /// </summary>
    private static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var model = reference.GetString()!.Split('/')[^1];
            return $"[{model}](#{model.ToLowerInvariant()})";
        }
        bool nullable = false;
        var parts = new List<string>();
        if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
        {
            foreach (var option in oneOf.EnumerateArray())
            {
                if (option.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")
                {
                    nullable = true;
                }
                else
                {
                    parts.Add(TypeOf(option));
                }
            }
        }
        else if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            nullable = types.Remove("null");
            if ((types.Contains("integer") || types.Contains("number")) && types.Contains("string") && schema.TryGetProperty("pattern", out _))
            {
                types.Remove("string");
            }
            foreach (var name in types)
            {
                parts.Add(name switch
                {
                    "array" => "array of " + (schema.TryGetProperty("items", out var items) ? TypeOf(items) : "anything"),
                    "object" when schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object =>
                        "object of " + TypeOf(values),
                    _ => name,
                });
            }
            if (schema.TryGetProperty("format", out var format))
            {
                parts[^1] += $" ({format.GetString()})";
            }
        }
        if (schema.TryGetProperty("enum", out var values2))
        {
            parts.Add("one of " + string.Join(", ", values2.EnumerateArray().Select(v => $"`{v}`")));
        }
        if (parts.Count == 0)
        {
            parts.Add("any");
        }
        var text = string.Join(" or ", parts);
        return nullable ? text + " or null" : text;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private sealed class Anchors
    {
        private readonly Dictionary<string, int> _seen = [];

        public string For(string heading)
        {
            var anchor = new StringBuilder();
            foreach (char c in heading.ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    anchor.Append(c);
                }
                else if (c == ' ')
                {
                    anchor.Append('-');
                }
            }
            var text = anchor.ToString();
            int count = _seen.GetValueOrDefault(text);
            _seen[text] = count + 1;
            return count == 0 ? text : $"{text}-{count}";
        }
    }
}
