namespace Esr.Magics;

/// <summary>
/// Finds options that an <c>#!esr</c> subcommand does not declare. .NET Interactive 1.0.0-beta.26120.1 reports an
/// unknown option (DNI103) only on a top-level directive; on a subcommand it drops the option and its value silently,
/// so a mistyped <c>--max-token 5</c> would run with the default; and it runs the parent directive for an unknown
/// subcommand. The magics check the cell's text themselves.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The first option of the cell's <c>#!esr &lt;subcommand&gt;</c> lines that the subcommand does not declare, or null.</summary>
    public static string? Option(string cell, EsrCommand command, EsrSession session)
    {
        var known = command.Parameters(session).Select(parameter => parameter.Name).ToArray();
        foreach (var line in cell.Split('\n'))
        {
            var words = Words(line.Trim());
            if (words.Count < 2 || words[0] != EsrMagics.DirectiveName || words[1] != command.DirectiveName) continue;
            if (words.Skip(2).FirstOrDefault(word => word.StartsWith("--", StringComparison.Ordinal) && !known.Contains(word)) is { } unknown)
                return $"unknown option {unknown} (expected {string.Join(", ", known)})";
        }
        return null;
    }

    /// <summary>The word after <c>#!esr</c> in <paramref name="directive"/> when it names no subcommand, or null.</summary>
    public static string? Subcommand(string directive, EsrSession session)
    {
        var words = Words(directive.Trim());
        var start = words.IndexOf(EsrMagics.DirectiveName);
        return start >= 0 && start + 1 < words.Count && session.Commands.All(command => command.DirectiveName != words[start + 1])
            ? words[start + 1]
            : null;
    }

    /// <summary>The line's words, split at whitespace outside double quotes (a quoted value is one word).</summary>
    internal static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && quoted && i + 1 < line.Length) word.Append(c).Append(line[++i]);
            else if (c == '"') { quoted = !quoted; word.Append(c); }
            else if (char.IsWhiteSpace(c) && !quoted) { if (word.Length > 0) words.Add(word.ToString()); word.Clear(); }
            else word.Append(c);
        }
        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }
}
