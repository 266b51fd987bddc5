namespace Esr.Kernel.Text;

/// <summary>
/// The Jinja <c>trim</c> filter as Hugging Face renders chat templates: Python's <c>str.strip()</c>, which removes
/// the characters for which <c>str.isspace()</c> is true. That set differs from .NET's <c>string.Trim()</c> (which
/// keeps U+001C..U+001F) and from JavaScript's (which strips U+FEFF and keeps U+0085).
/// </summary>
internal static class JinjaTrim
{
    public static string Apply(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
            start++;
        while (end > start && IsPythonSpace(text[end - 1]))
            end--;
        return text[start..end];
    }

    /// <summary>Python 3's <c>str.isspace()</c> for one UTF-16 unit (every such character is in the BMP).</summary>
    public static bool IsPythonSpace(char c) => c switch
    {
        >= '\u0009' and <= '\u000D' => true,
        >= '\u001C' and <= '\u0020' => true,
        '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };
}
