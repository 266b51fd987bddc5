namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// The escaping of everything the figures write into an HTML page, done here only: text from data (model names,
/// judges, variant ids) becomes HTML text before it enters a chart, and the figure JSON is made safe to sit inside
/// an inline script. A run's fields are data from files, so a name such as <c>M&lt;/script&gt;&lt;script&gt;…</c>
/// must be drawn as those characters, never run.
/// </summary>
public static class HtmlText
{
    /// <summary>
    /// <paramref name="text"/> as HTML text content: '&amp;', '&lt;' and '&gt;' as entities. plotly.js reads trace
    /// names, category labels, titles and annotations as a small HTML dialect and decodes these entities, so the
    /// drawing shows the text as it was.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    /// <summary>
    /// JSON as the body of an inline <c>&lt;script&gt;</c>: every '&lt;' and '&gt;' (only ever inside strings) as the
    /// JSON escapes \u003c and \u003e, so the value is unchanged and no "&lt;/script" or "&lt;!--" can end or alter the script.
    /// </summary>
    public static string ScriptJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return json.Replace("<", "\\u003c", StringComparison.Ordinal).Replace(">", "\\u003e", StringComparison.Ordinal);
    }
}
