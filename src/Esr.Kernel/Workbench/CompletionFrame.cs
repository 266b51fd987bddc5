using Microsoft.Data.Analysis;

namespace Esr.Kernel;

/// <summary>Completions side by side as a DataFrame, one row each, keyed by a first column.</summary>
internal static class CompletionFrame
{
    public static DataFrame Of(IReadOnlyList<(string Key, Completion Completion)> rows, string keyName) => new(
        new StringDataFrameColumn(keyName, rows.Select(row => row.Key)),
        new StringDataFrameColumn("steering", rows.Select(row => row.Completion.Steering.ToString())),
        new StringDataFrameColumn("text", rows.Select(row => row.Completion.Text)),
        new Int32DataFrameColumn("tokens", rows.Select(row => row.Completion.TokenIds.Count)),
        new StringDataFrameColumn("finish_reason", rows.Select(row => row.Completion.FinishReason.ToString().ToLowerInvariant())));
}
