using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Formats;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Meta-prompt variants as a file in the paper's data format (<c>meta_prompts.json</c>):
/// <c>{"variants": [{"id", "display", "template"}, ...]}</c>, each template holding <c>{prompt}</c> and, where it
/// names the steered latent, <c>{latent_label}</c>. The display name may be left out: the figures name the paper's
/// ids themselves and show other ids as they are.
/// </summary>
public static class PromptVariantFile
{
    /// <summary>The file's name in a data folder.</summary>
    public const string FileName = "meta_prompts.json";

    /// <summary>Reads the variants, in the file's order.</summary>
    /// <exception cref="EsrInputException">The file is missing, not JSON, or a variant lacks a string id or template, has a template without <c>{prompt}</c>, or repeats an id; the message names the file and the field.</exception>
    public static IReadOnlyList<PromptVariant> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("variants", out var list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() == 0)
            throw new EsrInputException($"{path}: expected an object with a non-empty 'variants' array");
        var variants = list.EnumerateArray().Select((item, i) =>
        {
            if (item.ValueKind != JsonValueKind.Object) throw new EsrInputException($"{path}: variants[{i}] is {item.GetRawText()}, expected an object");
            var fields = new JsonFields(path, item, (file, problem) => new EsrInputException($"{file}: {problem}"), $"variants[{i}].");
            var variant = new PromptVariant(fields.String("id"), fields.String("template"));
            return variant.Template.Contains("{prompt}", StringComparison.Ordinal)
                ? variant
                : throw fields.Error("template", "has no {prompt}, so the base prompt would be lost");
        }).ToArray();
        if (variants.GroupBy(v => v.Id).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new EsrInputException($"{path}: the id '{twice.Key}' names two variants");
        return variants;
    }

    /// <summary>Writes <paramref name="variants"/> in the file format, each with its display name.</summary>
    public static void Write(string path, IEnumerable<PromptVariant> variants, Func<string, string> display)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(display);
        var list = new JsonArray(variants.Select(v => (JsonNode)new JsonObject
        {
            ["id"] = v.Id, ["display"] = display(v.Id), ["template"] = v.Template,
        }).ToArray());
        AtomicFile.WriteAllText(path, new JsonObject { ["variants"] = list }.ToJsonString(TrialJson.Indented) + "\n");
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new EsrInputException($"{path}: no such file", error);
        }
        catch (JsonException error)
        {
            throw new EsrInputException($"{path}: not valid JSON ({error.Message})", error);
        }
    }
}
