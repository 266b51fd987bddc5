using System.Text;

namespace Esr.Kernel.Text;

/// <summary>
/// The Gemma-2 instruction-tuned chat template:
/// <c>&lt;bos&gt;</c>, then per turn <c>&lt;start_of_turn&gt;{role}\n{trimmed content}&lt;end_of_turn&gt;\n</c> with
/// "assistant" written as "model", then, with the generation prompt, <c>&lt;start_of_turn&gt;model\n</c>.
/// </summary>
/// <remarks>
/// As the official template: turns must alternate, user first (user at even positions, another role at odd ones).
/// A system turn is rejected wherever it stands (the official template rejects it only first; Gemma-2 has no system
/// role). <see cref="ChatTemplateOptions.AppendPapersExtraAssistantHeader"/> does not apply to Gemma.
/// </remarks>
public sealed class Gemma2ChatTemplate : ChatTemplate
{
    /// <summary>Gemma's BOS string.</summary>
    public const string DefaultBosToken = "<bos>";

    private readonly string _bosToken;

    /// <summary>Creates the template.</summary>
    /// <param name="options">Accepted for symmetry with the Llama templates; no option changes Gemma's format.</param>
    /// <param name="bosToken">The BOS string (tokenizer_config.json's <c>bos_token</c>).</param>
    public Gemma2ChatTemplate(ChatTemplateOptions? options = null, string bosToken = DefaultBosToken)
    {
        ArgumentNullException.ThrowIfNull(bosToken);
        _ = options;
        _bosToken = bosToken;
    }

    /// <inheritdoc />
    public override string Name => "gemma-2";

    /// <inheritdoc />
    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var text = new StringBuilder(_bosToken);
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i].Role;
            if (role == "system")
                throw new ArgumentException(
                    $"Message {i} has role \"system\": Gemma-2's chat template does not support a system role; " +
                    "put the instructions in the first user turn.", nameof(messages));
            if (role == "user" != (i % 2 == 0))
                throw new ArgumentException(
                    $"Message {i} has role \"{role}\": Gemma-2's turns must alternate user/assistant/user/..., " +
                    "starting with user.", nameof(messages));
            text.Append("<start_of_turn>").Append(role == "assistant" ? "model" : role).Append('\n')
                .Append(JinjaTrim.Apply(messages[i].Content)).Append("<end_of_turn>\n");
        }
        if (addGenerationPrompt)
            text.Append("<start_of_turn>model\n");
        return text.ToString();
    }
}
