using System.Text.Json;

namespace Esr.Kernel.Text;

/// <summary>
/// Renders a conversation to the exact text a model's own chat template gives under Hugging Face
/// (<c>apply_chat_template(..., tokenize=False)</c>). Encode the result with
/// <see cref="TextTokenizer.Encode"/> and <c>addSpecialTokens: false</c>: the text already holds its BOS.
/// </summary>
/// <remarks>
/// Each family's template is written out in C# rather than run through a Jinja engine; tests compare every
/// family byte for byte with the official templates rendered by an independent Jinja implementation.
/// </remarks>
public abstract class ChatTemplate
{
    /// <summary>A short name of the format, for run manifests ("llama-3.1", "gemma-2", ...).</summary>
    public abstract string Name { get; }

    /// <summary>Renders a conversation.</summary>
    /// <param name="messages">The turns, first to last; at least one.</param>
    /// <param name="addGenerationPrompt">
    /// True for a generation request: the text ends with the header that opens the model's answer. False for a
    /// readout of a whole conversation: the text ends with the last turn's end-of-turn token.
    /// </param>
    /// <exception cref="ArgumentException">The conversation is one the official template rejects.</exception>
    public abstract string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt);

    /// <summary>
    /// The token ids of a conversation: <see cref="Render"/>, then <paramref name="tokenizer"/> without added special
    /// tokens (the rendered text already holds its BOS).
    /// </summary>
    public int[] Encode(TextTokenizer tokenizer, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer.Encode(Render(messages, addGenerationPrompt), addSpecialTokens: false);
    }

    /// <summary>
    /// The ids of a prompt as the model sees it (ESR_SPEC §1.5): one user turn, with the header that opens the answer
    /// unless <paramref name="addGenerationPrompt"/> is false (the relevance filter reads the bare turn).
    /// </summary>
    public int[] PromptIds(TextTokenizer tokenizer, string prompt, bool addGenerationPrompt = true) =>
        Encode(tokenizer, [ChatMessage.User(prompt)], addGenerationPrompt);

    /// <summary>The ids of a [user, assistant] exchange without the generation prompt: what a readout of a response feeds.</summary>
    public int[] ConversationIds(TextTokenizer tokenizer, string prompt, string response) =>
        Encode(tokenizer, [ChatMessage.User(prompt), ChatMessage.Assistant(response)], addGenerationPrompt: false);

    /// <summary>
    /// The chat template of a Hugging Face model directory: the family from config.json's <c>model_type</c>
    /// ("llama" or "gemma2"); for Llama, 3.0 or 3.1+ from the <c>chat_template</c> text in tokenizer_config.json (or
    /// chat_template.jinja); the BOS string from tokenizer_config.json's <c>bos_token</c> when present.
    /// </summary>
    /// <exception cref="FileNotFoundException">config.json is missing, or, for Llama, both tokenizer_config.json and
    /// chat_template.jinja.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or lacks a needed field (the message names both).</exception>
    /// <exception cref="NotSupportedException">The family or template is not one this namespace renders.</exception>
    public static ChatTemplate ForModelDirectory(string modelDirectory, ChatTemplateOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        options ??= ChatTemplateOptions.Default;
        var family = ModelDirectoryFiles.ReadFamily(modelDirectory);
        var configPath = Path.Combine(modelDirectory, ModelDirectoryFiles.TokenizerConfig);
        var config = ModelDirectoryFiles.ReadObject(modelDirectory, ModelDirectoryFiles.TokenizerConfig,
            required: false);
        var bos = config is { } c ? ModelDirectoryFiles.ReadTokenString(c, "bos_token", configPath) : null;
        var (template, source) = ReadTemplateText(modelDirectory, config, configPath);

        switch (family)
        {
            case ModelFamily.Llama:
                bos ??= LlamaTurns.BeginOfText;
                if (template is null && config is null)
                    throw new FileNotFoundException(
                        $"The model directory has no {ModelDirectoryFiles.TokenizerConfig} (nor " +
                        $"{ModelDirectoryFiles.ChatTemplateFile}): '{configPath}'. A Llama model needs its chat " +
                        "template to tell Llama 3.0 from 3.1+.", configPath);
                if (template is null)
                    throw new InvalidDataException(
                        $"'{configPath}': field \"chat_template\" is missing (and there is no " +
                        $"{ModelDirectoryFiles.ChatTemplateFile}); it is needed to tell Llama 3.0 from 3.1+.");
                if (template.Contains("strftime_now", StringComparison.Ordinal))
                    throw new NotSupportedException(
                        $"{source} dates prompts with the current day (Llama 3.2 " +
                        "style); only the Llama 3.0 and 3.1/3.3 templates are rendered here.");
                if (template.Contains("Cutting Knowledge Date", StringComparison.Ordinal))
                    return new Llama31ChatTemplate(options, bos);
                if (template.Contains("<|start_header_id|>", StringComparison.Ordinal))
                    return new Llama30ChatTemplate(options, bos);
                throw new NotSupportedException(
                    $"{source} is not a Llama-3 template (no <|start_header_id|>).");
            case ModelFamily.Gemma2:
                if (template is not null && !template.Contains("<start_of_turn>", StringComparison.Ordinal))
                    throw new NotSupportedException(
                        $"{source} is not a Gemma template (no <start_of_turn>).");
                return new Gemma2ChatTemplate(options, bos ?? Gemma2ChatTemplate.DefaultBosToken);
            default:
                throw new NotSupportedException($"No chat template for {family}.");
        }
    }

    /// <summary>Checks what every template needs: a non-empty list of messages with roles and contents.</summary>
    protected static void RequireMessages(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            throw new ArgumentException("A conversation needs at least one message.", nameof(messages));
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not { Role: not null, Content: not null })
                throw new ArgumentException($"Message {i} is null or has a null role or content.", nameof(messages));
        }
    }

    /// <summary>The chat template text, and where it was read (for error messages).</summary>
    private static (string? Text, string Source) ReadTemplateText(string directory, JsonElement? config,
        string configPath)
    {
        var field = $"'{configPath}': field \"chat_template\"";
        if (config is { } c && c.TryGetProperty("chat_template", out var value))
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return (value.GetString(), field);
                case JsonValueKind.Array: // named templates: [{"name": "default", "template": "..."}, ...]
                    foreach (var entry in value.EnumerateArray())
                    {
                        if (entry.ValueKind == JsonValueKind.Object &&
                            entry.TryGetProperty("name", out var name) && name.ValueEquals("default") &&
                            entry.TryGetProperty("template", out var text) && text.ValueKind == JsonValueKind.String)
                            return (text.GetString(), field);
                    }
                    throw new InvalidDataException($"{field} is a list without a template named \"default\".");
                case JsonValueKind.Null:
                    break;
                default:
                    throw new InvalidDataException($"{field} is neither a string nor a list of named templates.");
            }
        }
        // Newer snapshots keep the template in its own file.
        var file = Path.Combine(directory, ModelDirectoryFiles.ChatTemplateFile);
        return File.Exists(file) ? (File.ReadAllText(file), $"'{file}'") : (null, field);
    }
}
