using System.Globalization;
using System.Net;
using System.Text;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace Esr.Notebooks;

/// <summary>
/// A static HTML page of an executed notebook, for CI artifacts and sharing: markdown rendered, code and its outputs,
/// no script of its own. Of each rich output it shows the first of PNG (embedded), SVG (as an image), HTML (as the
/// kernel's formatters wrote it, e.g. tables), markdown and plain text; every other text from the notebook is escaped.
/// </summary>
public static class NotebookPage
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    /// <summary>The page for <paramref name="document"/>, titled with <paramref name="notebookPath"/>.</summary>
    public static string Render(InteractiveDocument document, string notebookPath, CellFailure? failure)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Encode(Path.GetFileName(notebookPath))).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<header>\n<h1>")
            .Append(Encode(notebookPath)).Append("</h1>\n<p class=\"").Append(failure is null ? "passed\">All cells ran." : "failed\">Failed at ")
            .Append(failure is null ? "" : Encode($"{failure.Cell}: {failure.FirstLine}")).Append("</p>\n</header>\n");
        foreach (var cell in document.Elements)
        {
            if (cell.KernelName == NotebookFile.MarkdownKernelName)
            {
                page.Append("<section class=\"markdown\">\n").Append(Markdig.Markdown.ToHtml(cell.Contents, Markdown)).Append("</section>\n");
                continue;
            }
            page.Append("<section class=\"code ").Append(Status(cell)).Append("\">\n<pre class=\"source\"><code>")
                .Append(Encode(cell.Contents)).Append("</code></pre>\n");
            foreach (var output in cell.Outputs) AppendOutput(page, output);
            page.Append("</section>\n");
        }
        return page.Append("</body>\n</html>\n").ToString();
    }

    private static void AppendOutput(StringBuilder page, InteractiveDocumentOutputElement output)
    {
        switch (output)
        {
            case DisplayElement display:
                AppendData(page, display.Data);
                break;
            case ReturnValueElement value:
                AppendData(page, value.Data);
                break;
            case TextElement text:
                page.Append("<pre class=\"").Append(text.Name == "stderr" ? "stderr" : "stdout").Append("\">").Append(Encode(text.Text)).Append("</pre>\n");
                break;
            case ErrorElement error:
                page.Append("<pre class=\"error\">").Append(Encode(string.Join('\n', error.StackTrace is { Length: > 0 } trace ? trace : [error.ErrorValue])))
                    .Append("</pre>\n");
                break;
        }
    }

    private static void AppendData(StringBuilder page, IDictionary<string, object> data)
    {
        page.Append("<div class=\"output\">");
        if (Text(data, "image/png") is { } png && IsBase64(png))
        {
            page.Append("<img alt=\"\" src=\"data:image/png;base64,").Append(Compact(png)).Append("\">");
        }
        else if (Text(data, "image/svg+xml") is { } svg)
        {
            // As an image an SVG cannot run script.
            page.Append("<img alt=\"\" src=\"data:image/svg+xml;base64,").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(svg))).Append("\">");
        }
        else if (Text(data, "text/html") is { } html)
        {
            page.Append(html);
        }
        else if (Text(data, "text/markdown") is { } markdown)
        {
            page.Append(Markdig.Markdown.ToHtml(markdown, Markdown));
        }
        else if ((Text(data, "text/plain") ?? data.Values.Select(Joined).FirstOrDefault()) is { } plain)
        {
            page.Append("<pre>").Append(Encode(plain)).Append("</pre>");
        }
        page.Append("</div>\n");
    }

    private static string? Text(IDictionary<string, object> data, string mimeType) => data.TryGetValue(mimeType, out var value) ? Joined(value) : null;

    // Values are strings when the runner made them, line arrays when read back from a file.
    private static string Joined(object value) => value switch
    {
        string text => text,
        IEnumerable<object> lines => string.Concat(lines),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Compact(string base64) => string.Concat(base64.Where(c => !char.IsWhiteSpace(c)));

    private static bool IsBase64(string text)
    {
        var compact = Compact(text);
        return compact.Length > 0 && Convert.TryFromBase64String(compact, new byte[compact.Length], out _);
    }

    private static string Status(InteractiveDocumentElement cell) =>
        cell.Metadata?.TryGetValue("papermill", out var value) == true && value is IDictionary<string, object> run && run.TryGetValue("status", out var status)
            ? status switch { "completed" => "passed", "failed" => "failed", _ => "not-run" }
            : "not-run";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
        header p.passed { color: #1a7f37; } header p.failed { color: #cf222e; font-weight: bold; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; padding: 0.5rem; background: #f6f8fa; }
        section.code { border-left: 3px solid #d0d7de; padding-left: 0.75rem; margin: 1rem 0; }
        section.code.failed { border-left-color: #cf222e; } section.code.not-run { opacity: 0.5; }
        pre.source { background: #eef2f6; } pre.stderr, pre.error { color: #cf222e; }
        table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; }
        img { max-width: 100%; }
        """;
}
