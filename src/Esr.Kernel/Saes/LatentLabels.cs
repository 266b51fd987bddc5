using System.Globalization;
using System.Text;

namespace Esr.Kernel.Saes;

/// <summary>
/// Human-readable labels of SAE latents, read from a CSV with a header naming at least <c>index_in_sae</c> and
/// <c>label</c> (other columns, e.g. Goodfire's status, notes and uuid, are ignored). Fields may be quoted with
/// double quotes, holding commas, doubled quotes and line breaks. A latent with no row, or an empty label, gets
/// the placeholder <c>feature_&lt;i&gt;</c> as in the original code.
/// </summary>
public sealed class LatentLabels
{
    private readonly Dictionary<int, string> labels;

    private LatentLabels(Dictionary<int, string> labels, int rows)
    {
        this.labels = labels;
        RowCount = rows;
    }

    /// <summary>Data rows in the file (the original samples latents from <c>range(RowCount)</c>, not the SAE width).</summary>
    public int RowCount { get; }

    /// <summary>The label of a latent, or <c>feature_&lt;i&gt;</c> where it has none.</summary>
    public string this[int latent] => labels.TryGetValue(latent, out var label) && label.Length > 0 ? label : Placeholder(latent);

    /// <summary>Whether the file gives a non-empty label for the latent.</summary>
    public bool HasLabel(int latent) => labels.TryGetValue(latent, out var label) && label.Length > 0;

    /// <summary>The placeholder label of a latent without one.</summary>
    public static string Placeholder(int latent) => $"feature_{latent}";

    /// <summary>Reads a label CSV.</summary>
    /// <exception cref="LatentLabelFormatException">Missing columns, a bad index, a duplicate latent, an unclosed quote.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static LatentLabels Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such label file.", path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Parse(reader, path);
    }

    /// <summary>Reads label CSV text; <paramref name="source"/> names it in errors.</summary>
    public static LatentLabels Parse(TextReader reader, string source)
    {
        var records = ReadRecords(reader, source).GetEnumerator();
        if (!records.MoveNext()) throw new LatentLabelFormatException(source, 1, "empty file; expected a header with index_in_sae,label");
        var (headerLine, header) = records.Current;
        var indexColumn = header.FindIndex(h => h.Trim() == "index_in_sae");
        var labelColumn = header.FindIndex(h => h.Trim() == "label");
        if (indexColumn < 0) throw new LatentLabelFormatException(source, headerLine, "header has no 'index_in_sae' column");
        if (labelColumn < 0) throw new LatentLabelFormatException(source, headerLine, "header has no 'label' column");
        var labels = new Dictionary<int, string>();
        var rows = 0;
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Length == 0) continue; // blank line
            if (fields.Count <= Math.Max(indexColumn, labelColumn))
                throw new LatentLabelFormatException(source, line, $"{fields.Count} fields, but the header puts 'index_in_sae' in column {indexColumn + 1} and 'label' in column {labelColumn + 1}");
            var text = fields[indexColumn].Trim();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw new LatentLabelFormatException(source, line, $"field 'index_in_sae': '{text}' is not a non-negative integer");
            if (!labels.TryAdd(index, fields[labelColumn].Trim()))
                throw new LatentLabelFormatException(source, line, $"field 'index_in_sae': latent {index} is labelled twice");
            rows++;
        }
        return new LatentLabels(labels, rows);
    }

    /// <summary>RFC 4180 records with the line each starts on.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader, string source)
    {
        var line = 1;
        var field = new StringBuilder();
        var fields = new List<string>();
        var start = 1;
        var quoted = false;
        var quoteStart = 0;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append((char)c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    quoteStart = line;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return (start, fields);
                    fields = [];
                    line++;
                    start = line;
                    any = false;
                    break;
                default:
                    field.Append((char)c);
                    break;
            }
        }
        if (quoted) throw new LatentLabelFormatException(source, quoteStart, "a quoted field is never closed");
        if (any)
        {
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
