using System.Text;

namespace Esr.Kernel.Text;

/// <summary>
/// The Llama-3.1 / 3.3 Instruct chat template (identical in Llama-3.1-8B-Instruct and Llama-3.3-70B-Instruct),
/// without tools. It always opens with a system turn that starts "Cutting Knowledge Date: December 2023\nToday Date:
/// 26 Jul 2024\n\n" and continues with the (trimmed) first message when that message is a system one, else with
/// nothing; the other turns are <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{trimmed
/// content}&lt;|eot_id|&gt;</c>.
/// </summary>
/// <remarks>
/// Tool turns ("tool", "ipython") are rejected: the official template formats them differently, and the workbench
/// has no tools. The date is the template's default (Hugging Face passes no <c>date_string</c>).
/// </remarks>
public sealed class Llama31ChatTemplate : ChatTemplate
{
    /// <summary>The date the official template writes when none is passed to it.</summary>
    public const string TodayDate = "26 Jul 2024";

    private readonly ChatTemplateOptions _options;
    private readonly string _bosToken;

    /// <summary>Creates the template.</summary>
    /// <param name="options">See <see cref="ChatTemplateOptions.AppendPapersExtraAssistantHeader"/>.</param>
    /// <param name="bosToken">The BOS string (tokenizer_config.json's <c>bos_token</c>).</param>
    public Llama31ChatTemplate(ChatTemplateOptions? options = null, string bosToken = LlamaTurns.BeginOfText)
    {
        ArgumentNullException.ThrowIfNull(bosToken);
        _options = options ?? ChatTemplateOptions.Default;
        _bosToken = bosToken;
    }

    /// <inheritdoc />
    public override string Name => "llama-3.1";

    /// <inheritdoc />
    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        RequireMessages(messages);
        var first = 0;
        var system = "";
        if (messages[0].Role == "system")
        {
            system = JinjaTrim.Apply(messages[0].Content);
            first = 1;
        }

        var text = new StringBuilder(_bosToken)
            .AppendHeader("system")
            .Append("Cutting Knowledge Date: December 2023\n")
            .Append("Today Date: ").Append(TodayDate).Append("\n\n")
            .Append(system)
            .Append(LlamaTurns.EndOfTurn);
        for (var i = first; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Role is "tool" or "ipython")
                throw new ArgumentException(
                    $"Message {i} has role \"{message.Role}\": tool turns are not supported.", nameof(messages));
            text.AppendTurn(message.Role, message.Content);
        }
        if (addGenerationPrompt)
            text.AppendGenerationPrompt(_bosToken, _options);
        return text.ToString();
    }
}
