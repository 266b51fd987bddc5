using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tokenizers.DotNet;

namespace Esr.Kernel.Text;

/// <summary>
/// Reads a Hugging Face tokenizer.json for what the native library does not expose (the vocabulary and which
/// added tokens are special), and hands the native library rewritten copies of the file.
/// </summary>
/// <remarks>
/// Tokenizers.DotNet 1.4.1 always encodes with <c>add_special_tokens = true</c> and always decodes with
/// <c>skip_special_tokens = true</c>. Both are worked around with a copy of the file: see <see cref="Variant"/>.
/// </remarks>
internal sealed class TokenizerJsonFile
{
    private TokenizerJsonFile(string path, string?[] tokensById, FrozenDictionary<string, int> idsByToken,
        FrozenSet<int> specialIds)
    {
        Path = path;
        TokensById = tokensById;
        IdsByToken = idsByToken;
        SpecialIds = specialIds;
    }

    /// <summary>Which rewritten copy of the file to give the native library.</summary>
    internal enum Variant
    {
        /// <summary>
        /// No post-processor (nothing is added around the text) and no added token marked special (so the native
        /// decode, which always skips special tokens, skips none; skipping is done by id before decoding, which is
        /// exactly what the library's own decode does).
        /// </summary>
        Plain,

        /// <summary>The file's own post-processor, which adds BOS and the like where the file says so.</summary>
        WithPostProcessor,
    }

    public string Path { get; }

    /// <summary>Token text by id; null where no token has that id.</summary>
    public string?[] TokensById { get; }

    public FrozenDictionary<string, int> IdsByToken { get; }

    public FrozenSet<int> SpecialIds { get; }

    /// <summary>Reads the file and loads its <see cref="Variant.Plain"/> copy, parsing the file once.</summary>
    public static (TokenizerJsonFile File, Tokenizer Plain) Open(string path)
    {
        using var document = Parse(path);
        var file = Read(path, document.RootElement);
        return (file, LoadNative(path, document.RootElement, Variant.Plain));
    }

    private static TokenizerJsonFile Read(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Invalid(path, "the top level is not a JSON object");
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw Invalid(path, "it has no \"model\" object");
        if (!model.TryGetProperty("vocab", out var vocab))
            throw Invalid(path, "\"model\" has no \"vocab\"");

        var idsByToken = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokensById = new Dictionary<int, string>();
        switch (vocab.ValueKind)
        {
            case JsonValueKind.Object: // BPE, WordPiece, WordLevel: token -> id
                foreach (var entry in vocab.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                        throw Invalid(path, $"model.vocab[\"{entry.Name}\"] is not a non-negative integer id");
                    idsByToken[entry.Name] = id;
                    tokensById[id] = entry.Name;
                }
                break;
            case JsonValueKind.Array: // Unigram: [token, score] pairs, the id is the position
                var position = 0;
                foreach (var entry in vocab.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() == 0 ||
                        entry[0].ValueKind != JsonValueKind.String)
                        throw Invalid(path, $"model.vocab[{position}] is not a [token, score] pair");
                    var token = entry[0].GetString()!;
                    idsByToken.TryAdd(token, position);
                    tokensById[position] = token;
                    position++;
                }
                break;
            default:
                throw Invalid(path, "model.vocab is neither an object nor an array");
        }

        var specialIds = new HashSet<int>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var token in added.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object ||
                    !token.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number ||
                    !idElement.TryGetInt32(out var id) || id < 0 ||
                    !token.TryGetProperty("content", out var contentElement) ||
                    contentElement.ValueKind != JsonValueKind.String)
                    throw Invalid(path, $"added_tokens[{index}] needs a non-negative \"id\" and a string \"content\"");
                var content = contentElement.GetString()!;
                // Added tokens take precedence over the model's vocabulary, as in the library.
                idsByToken[content] = id;
                tokensById[id] = content;
                if (token.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True)
                    specialIds.Add(id);
                index++;
            }
        }

        if (tokensById.Count == 0)
            throw Invalid(path, "its vocabulary is empty");
        var byId = new string?[tokensById.Keys.Max() + 1];
        foreach (var (id, token) in tokensById)
            byId[id] = token;
        return new TokenizerJsonFile(path, byId, idsByToken.ToFrozenDictionary(StringComparer.Ordinal),
            specialIds.ToFrozenSet());
    }

    /// <summary>
    /// Loads a rewritten copy of the file into the native library. The copy lives in a temporary file only until the
    /// library has read it.
    /// </summary>
    public Tokenizer LoadNative(Variant variant)
    {
        using var document = Parse(Path);
        return LoadNative(Path, document.RootElement, variant);
    }

    private static Tokenizer LoadNative(string path, JsonElement root, Variant variant)
    {
        var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"esr-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            WriteCopy(root, copy, variant);
            try
            {
                return new Tokenizer(copy);
            }
            catch (TokenizerException e)
            {
                throw Invalid(path, $"the tokenizers library rejected it: {e.Message}", e);
            }
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static void WriteCopy(JsonElement root, string destination, Variant variant)
    {
        using var stream = File.Create(destination);
        using var writer = new Utf8JsonWriter(stream,
            new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                // transformers switches the file's truncation and padding off unless a call asks for them.
                case "truncation" or "padding":
                    writer.WriteNull(property.Name);
                    break;
                case "post_processor" when variant == Variant.Plain:
                    writer.WriteNull(property.Name);
                    break;
                case "added_tokens" when variant == Variant.Plain && property.Value.ValueKind == JsonValueKind.Array:
                    writer.WritePropertyName(property.Name);
                    WriteAddedTokensAsNotSpecial(property.Value, writer);
                    break;
                default:
                    property.WriteTo(writer);
                    break;
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteAddedTokensAsNotSpecial(JsonElement tokens, Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var token in tokens.EnumerateArray())
        {
            writer.WriteStartObject();
            foreach (var field in token.EnumerateObject())
            {
                if (field.NameEquals("special"))
                    writer.WriteBoolean(field.Name, false);
                else
                    field.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"it is not valid JSON ({e.Message})", e);
        }
    }

    private static InvalidDataException Invalid(string path, string why, Exception? inner = null) =>
        new($"'{path}' is not a usable Hugging Face tokenizer.json: {why}.", inner);
}
