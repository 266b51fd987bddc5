using System.Globalization;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Formats;

/// <summary>Writes the project's tables as CSV (invariant culture) and reads them back.</summary>
public static class CsvTable
{
    /// <summary>Loads <paramref name="path"/> with the given columns and types, checking the header first.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">The header's column names, in order.</param>
    /// <param name="types">Each column's type.</param>
    /// <param name="what">What the table is, for the error message (e.g. "experiment 7's trials table").</param>
    /// <exception cref="InvalidDataException">The header differs; the message names the file and the header expected.</exception>
    public static DataFrame Load(string path, IReadOnlyList<string> columns, IReadOnlyList<Type> types, string what)
    {
        var expected = string.Join(',', columns);
        var header = File.ReadLines(path).FirstOrDefault() ?? "";
        if (header != expected) throw new InvalidDataException($"{path}: expected the header '{expected}' of {what}, found '{header}'");
        return DataFrame.LoadCsv(path, columnNames: [.. columns], dataTypes: [.. types], cultureInfo: CultureInfo.InvariantCulture);
    }

    /// <summary>Writes <paramref name="frame"/> as CSV with the invariant culture, through a temporary file so a reader never sees half a table.</summary>
    public static void Save(DataFrame frame, string path) =>
        AtomicFile.Write(path, temporary => DataFrame.SaveCsv(frame, temporary, cultureInfo: CultureInfo.InvariantCulture));
}
