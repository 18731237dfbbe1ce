using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pocc.Client;

/// <summary>
/// How the API's JSON is written: snake_case names, every property present (nulls included). Reading is strict, so a
/// missing or null field the model requires fails at once with a clear error instead of as a null reference later.
/// </summary>
public static class PoccJson
{
    /// <summary>The options the client reads and writes the wire models with.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same, indented, for printing a model to people.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            WriteIndented = indented,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
