using System.Globalization;

namespace Esr.Cli;

/// <summary>
/// Writes number arrays as compact JSON with the invariant culture; floats in their shortest round-trippable form.
/// </summary>
internal static class JsonNumbers
{
    /// <summary>Writes <c>[1,2,3]</c>.</summary>
    public static void WriteIds(TextWriter output, IEnumerable<int> ids)
    {
        output.Write('[');
        var first = true;
        foreach (var id in ids)
        {
            if (!first) output.Write(',');
            output.Write(id.ToString(CultureInfo.InvariantCulture));
            first = false;
        }
        output.Write(']');
    }

    /// <summary>
    /// Writes <c>[[...],[...]]</c>. A non-finite value is written as NaN, Infinity or -Infinity, which strict JSON
    /// lacks but Python's json module and most readers accept; a random or broken model can produce them.
    /// </summary>
    public static void WriteRows(TextWriter output, IReadOnlyList<float[]> rows)
    {
        Span<char> buffer = stackalloc char[32];
        output.Write('[');
        for (var row = 0; row < rows.Count; row++)
        {
            if (row > 0) output.Write(',');
            output.Write('[');
            var values = rows[row];
            for (var i = 0; i < values.Length; i++)
            {
                if (i > 0) output.Write(',');
                // "R" is the shortest text that parses back to the same float32.
                values[i].TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture);
                output.Write(buffer[..written]);
            }
            output.Write(']');
        }
        output.Write(']');
    }
}
