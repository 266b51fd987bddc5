using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Text;

namespace Esr.Kernel.Toy;

/// <summary>
/// Writes the toy world's word-level tokenizer as a Hugging Face model directory's tokenizer files, so that
/// <see cref="TextTokenizer.Load"/>, <see cref="ChatTemplate.ForModelDirectory"/> and
/// <see cref="StopTokens.FromModelDirectory"/> read it as they read Llama-3's.
/// </summary>
/// <remarks>
/// <para>Ids: the special tokens first (<see cref="SpecialTokens"/>, ids 0-5), then <see cref="ToyWorld.Vocabulary"/>
/// in ordinal order. The model is WordLevel; the pre-tokenizer splits at whitespace and isolates each punctuation
/// mark (as <see cref="ToyWorld.Words"/>); the decoder joins words with spaces and removes the space before "."
/// "," and "?" (WordPiece decoder with cleanup), so decoding the ids of world text gives the text back, and the
/// text decoded from any ids without special tokens encodes back to the same ids.
/// Whitespace is not a token: the "\n\n" after a chat header leaves no id.</para>
/// <para>tokenizer_config.json holds a Llama-3.0-style chat template (no system turn, no date), which
/// <see cref="ChatTemplate.ForModelDirectory"/> renders with <see cref="Llama30ChatTemplate"/> once the model's
/// config.json says <c>"model_type": "llama"</c> (the trainer writes config.json).</para>
/// </remarks>
public static class ToyTokenizerWriter
{
    /// <summary>Begins every rendered conversation.</summary>
    public const string BeginOfText = LlamaTurns.BeginOfText;

    /// <summary>Ends a document; a stop token.</summary>
    public const string EndOfText = "<|end_of_text|>";

    /// <summary>Opens a chat header.</summary>
    public const string StartHeader = LlamaTurns.StartHeader;

    /// <summary>Closes a chat header.</summary>
    public const string EndHeader = LlamaTurns.EndHeader;

    /// <summary>Ends a turn; the stop token of chat generation.</summary>
    public const string EndOfTurn = LlamaTurns.EndOfTurn;

    /// <summary>Stands for any word outside the vocabulary.</summary>
    public const string Unknown = "<|unk|>";

    /// <summary>The special tokens, in id order (0-5).</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } =
        [BeginOfText, EndOfText, StartHeader, EndHeader, EndOfTurn, Unknown];

    /// <summary>The file names written.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"];

    // The Llama-3.0 Instruct format: BOS, then each turn as header, blank line, trimmed content, end of turn.
    private const string ChatTemplateText =
        "{{ bos_token }}{% for message in messages %}" +
        "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The token ids of a world: special tokens, then the vocabulary.</summary>
    public static IReadOnlyDictionary<string, int> Ids(ToyWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return SpecialTokens.Concat(world.Vocabulary).Select((token, id) => (token, id))
            .ToDictionary(p => p.token, p => p.id, StringComparer.Ordinal);
    }

    /// <summary>Writes the tokenizer files into a directory (created if needed); each file is written atomically.</summary>
    public static void Write(string directory, ToyWorld world)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(world);
        Directory.CreateDirectory(directory);
        var ids = Ids(world);
        WriteJson(directory, "tokenizer.json", TokenizerJson(ids));
        WriteJson(directory, "tokenizer_config.json", TokenizerConfig(ids));
        WriteJson(directory, "special_tokens_map.json", new JsonObject
        {
            ["bos_token"] = BeginOfText, ["eos_token"] = EndOfTurn, ["unk_token"] = Unknown,
        });
        WriteJson(directory, "generation_config.json", new JsonObject
        {
            ["bos_token_id"] = ids[BeginOfText],
            ["eos_token_id"] = new JsonArray(ids[EndOfText], ids[EndOfTurn]),
        });
    }

    private static JsonObject TokenizerJson(IReadOnlyDictionary<string, int> ids)
    {
        var vocabulary = new JsonObject();
        foreach (var (token, id) in ids.OrderBy(p => p.Value))
            vocabulary[token] = id;
        var bos = new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = BeginOfText, ["type_id"] = 0 } };
        JsonObject Sequence(string id, int type) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = type } };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(SpecialTokens.Select(token => (JsonNode)new JsonObject
            {
                ["id"] = ids[token], ["content"] = token, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            ["normalizer"] = null,
            // Split at whitespace, then isolate every punctuation mark: ".," is two tokens, so any id sequence
            // decodes to text that encodes back to it (a model's own output can be re-encoded exactly).
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "WhitespaceSplit" },
                    new JsonObject { ["type"] = "Punctuation", ["behavior"] = "Isolated" }),
            },
            // As Llama-3: BOS before a single text when special tokens are asked for.
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(bos.DeepClone(), Sequence("A", 0)),
                ["pair"] = new JsonArray(bos.DeepClone(), Sequence("A", 0), bos.DeepClone(), Sequence("B", 1)),
                ["special_tokens"] = new JsonObject
                {
                    [BeginOfText] = new JsonObject
                    {
                        ["id"] = BeginOfText, ["ids"] = new JsonArray(ids[BeginOfText]),
                        ["tokens"] = new JsonArray(BeginOfText),
                    },
                },
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject { ["type"] = "WordLevel", ["vocab"] = vocabulary, ["unk_token"] = Unknown },
        };
    }

    private static JsonObject TokenizerConfig(IReadOnlyDictionary<string, int> ids)
    {
        var decoder = new JsonObject();
        foreach (var token in SpecialTokens)
        {
            decoder[ids[token].ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = token, ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false,
                ["single_word"] = false, ["special"] = true,
            };
        }
        return new JsonObject
        {
            ["added_tokens_decoder"] = decoder,
            ["bos_token"] = BeginOfText,
            ["eos_token"] = EndOfTurn,
            ["unk_token"] = Unknown,
            ["chat_template"] = ChatTemplateText,
            ["clean_up_tokenization_spaces"] = false,
            ["model_input_names"] = new JsonArray("input_ids", "attention_mask"),
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
        };
    }

    private static void WriteJson(string directory, string name, JsonObject content) =>
        AtomicFile.Write(Path.Combine(directory, name), path => File.WriteAllText(path, content.ToJsonString(Indented)));
}
