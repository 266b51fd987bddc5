using System.Text;

namespace Esr.Kernel.Text;

/// <summary>The pieces the Llama-3 chat templates share.</summary>
internal static class LlamaTurns
{
    public const string BeginOfText = "<|begin_of_text|>";
    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EndOfTurn = "<|eot_id|>";

    /// <summary>A role header and its blank line: "&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n".</summary>
    public static StringBuilder AppendHeader(this StringBuilder text, string role) =>
        text.Append(StartHeader).Append(role).Append(EndHeader).Append("\n\n");

    /// <summary>A whole turn; the templates trim the content.</summary>
    public static StringBuilder AppendTurn(this StringBuilder text, string role, string content) =>
        text.AppendHeader(role).Append(JinjaTrim.Apply(content)).Append(EndOfTurn);

    /// <summary>The assistant header that opens the answer, then the paper's extra header when asked for.</summary>
    public static StringBuilder AppendGenerationPrompt(this StringBuilder text, string bosToken,
        ChatTemplateOptions options)
    {
        text.AppendHeader("assistant");
        if (options.AppendPapersExtraAssistantHeader)
            text.Append(bosToken).Append(StartHeader).Append("assistant").Append(EndHeader);
        return text;
    }
}
