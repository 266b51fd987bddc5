using System.Globalization;
using System.Net;

namespace Esr.Magics.Formatting;

/// <summary>
/// Pieces shared by the HTML views. Every text that comes from data (prompts, completions, labels, token texts, judge
/// replies) goes through <see cref="Text"/>, so it can never add markup or script to the notebook.
/// </summary>
internal static class Html
{
    /// <summary>The style of every view, scoped to the <c>esr</c> class; colours that read on light and dark themes.</summary>
    public const string Style = """
        <style>
        .esr { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: 13px; line-height: 1.45; }
        .esr .esr-meta { color: #888; font-size: 12px; margin: 2px 0 6px; }
        .esr .esr-text { white-space: pre-wrap; margin: 0; font-family: var(--vscode-editor-font-family, monospace); }
        .esr table { border-collapse: collapse; }
        .esr th, .esr td { border: 1px solid rgba(128,128,128,.35); padding: 3px 8px; text-align: left; vertical-align: top; }
        .esr .esr-cols { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
        .esr .esr-col { border: 1px solid rgba(128,128,128,.35); border-radius: 4px; padding: 6px 8px; }
        .esr .esr-col h4 { margin: 0 0 4px; font-size: 13px; }
        .esr .esr-attempts { display: flex; flex-wrap: wrap; gap: 6px; }
        .esr .esr-attempt { flex: 1 1 220px; border-left: 3px solid rgba(128,128,128,.5); padding: 2px 6px; white-space: pre-wrap; }
        .esr .esr-score { display: inline-block; min-width: 2.2em; padding: 0 4px; margin-right: 6px; border-radius: 3px; color: #fff; text-align: center; font-weight: 600; }
        .esr .esr-high { background: #2e7d32; } .esr .esr-mid { background: #b26a00; } .esr .esr-low { background: #c62828; } .esr .esr-none { background: #777; }
        .esr .esr-error { color: #c62828; }
        .esr .esr-scores { white-space: nowrap; }
        .esr .esr-tokens { font-family: var(--vscode-editor-font-family, monospace); line-height: 1.9; }
        .esr .esr-token { white-space: pre; padding: 1px 2px; margin: 0 1px; border: 1px solid rgba(128,128,128,.25); border-radius: 3px; }
        .esr .esr-token:hover { outline: 1px solid #888; }
        .esr details summary { cursor: pointer; color: #888; font-size: 12px; }
        </style>
        """;

    /// <summary>Data as HTML text: &lt;, &gt;, &amp; and both quotes escaped (safe in element text and quoted attributes).</summary>
    public static string Text(string? value) => WebUtility.HtmlEncode(value ?? "");

    /// <summary>A number as shown: up to <paramref name="digits"/> significant digits, invariant.</summary>
    public static string Number(double value, int digits = 4) => value.ToString("G" + digits, CultureInfo.InvariantCulture);

    /// <summary>A view: the style, then the body in an <c>esr</c> block.</summary>
    public static string View(string kind, string body) => $"<div class=\"esr esr-{kind}\">{Style}{body}</div>";
}
