using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Esr.Notebooks.Tests;

/// <summary>
/// The parts of the nbformat 4.5 schema a front end relies on, checked on a written notebook: top-level fields,
/// cell ids, the fields of each cell and output type, and multiline strings as strings or string arrays.
/// </summary>
internal static partial class NbformatCheck
{
    /// <summary>Every way <paramref name="json"/> departs from nbformat 4.5; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(string json)
    {
        var problems = new List<string>();
        var root = JsonNode.Parse(json)!.AsObject();
        if (root["nbformat"]?.GetValue<int>() != 4) problems.Add("nbformat is not 4");
        if (root["nbformat_minor"]?.GetValue<int>() is not >= 5) problems.Add("nbformat_minor is below 5 (cell ids)");
        if (root["metadata"] is not JsonObject) problems.Add("metadata is not an object");
        if (root["cells"] is not JsonArray cells) return [.. problems, "cells is not an array"];
        var ids = new HashSet<string>();
        foreach (var (cell, index) in cells.Select((cell, index) => (cell!.AsObject(), index)))
        {
            var where = $"cells[{index}]";
            if (cell["id"]?.GetValue<string>() is not { } id || !CellId().IsMatch(id) || !ids.Add(id)) problems.Add($"{where}.id is missing, malformed or repeated");
            if (cell["metadata"] is not JsonObject) problems.Add($"{where}.metadata is not an object");
            if (!IsMultiline(cell["source"])) problems.Add($"{where}.source is not a string or string array");
            switch (cell["cell_type"]?.GetValue<string>())
            {
                case "markdown":
                    if (cell.ContainsKey("outputs")) problems.Add($"{where} is markdown with outputs");
                    break;
                case "code":
                    if (!cell.ContainsKey("execution_count")) problems.Add($"{where}.execution_count is missing");
                    if (cell["outputs"] is not JsonArray outputs) problems.Add($"{where}.outputs is not an array");
                    else problems.AddRange(outputs.SelectMany((output, i) => OutputProblems(output!.AsObject(), $"{where}.outputs[{i}]")));
                    break;
                default:
                    problems.Add($"{where}.cell_type is not code or markdown");
                    break;
            }
        }
        return problems;
    }

    private static IEnumerable<string> OutputProblems(JsonObject output, string where)
    {
        string[] required = output["output_type"]?.GetValue<string>() switch
        {
            "stream" => ["name", "text"],
            "display_data" => ["data", "metadata"],
            "execute_result" => ["data", "metadata", "execution_count"],
            "error" => ["ename", "evalue", "traceback"],
            _ => [],
        };
        if (required.Length == 0) yield return $"{where}.output_type is unknown";
        foreach (var field in required.Where(field => !output.ContainsKey(field))) yield return $"{where}.{field} is missing";
        if (output["data"] is JsonObject data)
        {
            foreach (var (mimeType, value) in data.Where(pair => !pair.Key.EndsWith("json", StringComparison.Ordinal) && !IsMultiline(pair.Value)))
                yield return $"{where}.data[{mimeType}] is not a string or string array";
        }
    }

    private static bool IsMultiline(JsonNode? node) => node switch
    {
        JsonValue value => value.TryGetValue<string>(out _),
        JsonArray lines => lines.All(line => line is JsonValue value && value.TryGetValue<string>(out _)),
        _ => false,
    };

    [GeneratedRegex("^[a-zA-Z0-9-_]{1,64}$")]
    private static partial Regex CellId();
}
