using System.Text.Json;

namespace Esr.Kernel.Text;

/// <summary>Reads the small JSON files of a Hugging Face model directory, with errors that name file and field.</summary>
internal static class ModelDirectoryFiles
{
    public const string Config = "config.json";
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string GenerationConfig = "generation_config.json";
    public const string ChatTemplateFile = "chat_template.jinja";

    /// <summary>The root object of a JSON file, or null when the file is absent and not required.</summary>
    public static JsonElement? ReadObject(string directory, string fileName, bool required)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            if (!Directory.Exists(directory))
                throw new DirectoryNotFoundException($"No model directory at '{directory}'.");
            return required ? throw new FileNotFoundException($"The model directory has no {fileName}: '{path}'.", path) : null;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        return root.ValueKind == JsonValueKind.Object
            ? root
            : throw new InvalidDataException($"'{path}' does not hold a JSON object at its top level.");
    }

    /// <summary>The family named by config.json's <c>model_type</c>.</summary>
    /// <exception cref="NotSupportedException">The family has no chat format here.</exception>
    public static ModelFamily ReadFamily(string directory)
    {
        var config = ReadObject(directory, Config, required: true)!.Value;
        var path = Path.Combine(directory, Config);
        if (!config.TryGetProperty("model_type", out var field) || field.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"'{path}': field \"model_type\" is missing or not a string.");
        return field.GetString() switch
        {
            "llama" => ModelFamily.Llama,
            "gemma2" => ModelFamily.Gemma2,
            var other => throw new NotSupportedException(
                $"'{path}': field \"model_type\" is \"{other}\"; only \"llama\" and \"gemma2\" have chat formats here."),
        };
    }

    /// <summary>
    /// A token string from tokenizer_config.json (<c>bos_token</c> and the like), written either as a string or
    /// as an object with a "content" string; null when the field is absent or null.
    /// </summary>
    public static string? ReadTokenString(JsonElement config, string field, string path) =>
        !config.TryGetProperty(field, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) &&
                                      content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw new InvalidDataException(
                $"'{path}': field \"{field}\" is neither a string nor an object with a \"content\" string."),
        };
}
