using System.Text;

namespace Esr.Kernel.Text;

/// <summary>
/// The Llama-3.0 Instruct chat template (Meta-Llama-3-8B-Instruct):
/// <c>&lt;|begin_of_text|&gt;</c>, then per turn <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{trimmed
/// content}&lt;|eot_id|&gt;</c>, then, with the generation prompt, the assistant header and its "\n\n".
/// Any role is written as given; there is no default system turn.
/// </summary>
public sealed class Llama30ChatTemplate : ChatTemplate
{
    private readonly ChatTemplateOptions _options;
    private readonly string _bosToken;

    /// <summary>Creates the template.</summary>
    /// <param name="options">See <see cref="ChatTemplateOptions.AppendPapersExtraAssistantHeader"/>.</param>
    /// <param name="bosToken">The BOS string (tokenizer_config.json's <c>bos_token</c>).</param>
    public Llama30ChatTemplate(ChatTemplateOptions? options = null, string bosToken = LlamaTurns.BeginOfText)
    {
        ArgumentNullException.ThrowIfNull(bosToken);
        _options = options ?? ChatTemplateOptions.Default;
        _bosToken = bosToken;
    }

    /// <inheritdoc />
    public override string Name => "llama-3.0";

    /// <inheritdoc />
    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var text = new StringBuilder(_bosToken);
        foreach (var message in messages)
            text.AppendTurn(message.Role, message.Content);
        if (addGenerationPrompt)
            text.AppendGenerationPrompt(_bosToken, _options);
        return text.ToString();
    }
}
