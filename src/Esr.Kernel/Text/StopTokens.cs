using System.Collections.Immutable;
using System.Text.Json;

namespace Esr.Kernel.Text;

/// <summary>The token ids that end a generation for a model (ESR_SPEC §1.5, "stop").</summary>
public static class StopTokens
{
    /// <summary>
    /// The union of <c>eos_token_id</c> (an id or a list of ids) from generation_config.json and config.json, and
    /// the end-of-turn tokens the family's chat format uses that the tokenizer has: for Llama
    /// <c>&lt;|eot_id|&gt;</c>, <c>&lt;|end_of_text|&gt;</c>, <c>&lt;|eom_id|&gt;</c>; for Gemma-2 <c>&lt;eos&gt;</c>,
    /// <c>&lt;end_of_turn&gt;</c>.
    /// </summary>
    /// <param name="modelDirectory">A Hugging Face model directory; generation_config.json may be absent.</param>
    /// <param name="tokenizer">The model's tokenizer, to look the end-of-turn tokens up and check the ids.</param>
    /// <returns>The ids, in ascending order.</returns>
    /// <exception cref="FileNotFoundException">config.json is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or an id is not in the tokenizer (the message
    /// names file and field).</exception>
    /// <exception cref="NotSupportedException">config.json's <c>model_type</c> is not "llama" or "gemma2".</exception>
    public static IReadOnlySet<int> FromModelDirectory(string modelDirectory, TextTokenizer tokenizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var family = ModelDirectoryFiles.ReadFamily(modelDirectory);

        var ids = ImmutableSortedSet.CreateBuilder<int>();
        foreach (var (fileName, required) in new[]
                 {
                     (ModelDirectoryFiles.GenerationConfig, false), (ModelDirectoryFiles.Config, true),
                 })
        {
            if (ModelDirectoryFiles.ReadObject(modelDirectory, fileName, required) is { } file)
                ids.UnionWith(ReadEosIds(file, Path.Combine(modelDirectory, fileName), tokenizer));
        }

        string[] endOfTurn = family switch
        {
            ModelFamily.Llama => ["<|eot_id|>", "<|end_of_text|>", "<|eom_id|>"],
            ModelFamily.Gemma2 => ["<eos>", "<end_of_turn>"],
            _ => throw new NotSupportedException($"No end-of-turn tokens for {family}."),
        };
        foreach (var token in endOfTurn)
        {
            if (tokenizer.TokenToId(token) is { } id)
                ids.Add(id);
        }
        return ids.ToImmutable();
    }

    private static IEnumerable<int> ReadEosIds(JsonElement file, string path, TextTokenizer tokenizer)
    {
        if (!file.TryGetProperty("eos_token_id", out var field) || field.ValueKind == JsonValueKind.Null)
            return [];
        var ids = field.ValueKind == JsonValueKind.Array ? field.EnumerateArray().ToArray() : [field];
        return ids.Select(element =>
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var id))
                throw new InvalidDataException(
                    $"'{path}': field \"eos_token_id\" must be an integer or a list of integers, found {field}.");
            if (tokenizer.IdToToken(id) is null)
                throw new InvalidDataException(
                    $"'{path}': field \"eos_token_id\" holds {id}, which is not a token of '{tokenizer.SourcePath}'.");
            return id;
        }).ToArray();
    }
}
