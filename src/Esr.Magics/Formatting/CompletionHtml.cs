using Esr.Kernel;

namespace Esr.Magics.Formatting;

/// <summary>A completion, a streaming one, and the settings line they share.</summary>
internal static class CompletionHtml
{
    public static string Of(Completion completion) => Html.View("completion",
        $"<div class=\"esr-meta\">{Html.Text(Settings(completion))}</div><pre class=\"esr-text\">{Html.Text(completion.Text)}</pre>");

    public static string Of(GenerationProgress progress) => Html.View("progress", progress.Status is { } status
        ? $"<div class=\"esr-meta\">{Html.Text(status)}...</div>"
        : $"<pre class=\"esr-text\">{Html.Text(progress.Text)}<span class=\"esr-meta\">▌</span></pre>");

    /// <summary>"steering none · seed 0 · temperature 0.6 · 42 tokens · stop".</summary>
    public static string Settings(Completion completion) =>
        $"steering {completion.Steering} · seed {completion.Seed} · temperature {Html.Number(completion.Settings.Temperature)} · " +
        $"{completion.TokenIds.Count} tokens · {completion.FinishReason.ToString().ToLowerInvariant()}";
}
