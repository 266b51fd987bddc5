using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Builds a DataFrame row by row; each column keeps the type of its first value.</summary>
internal sealed class FrameBuilder
{
    private readonly List<(string Name, Type Type, List<object?> Values)> columns = [];
    private int rows;

    /// <summary>Ends the current row; every column must have had a value in it.</summary>
    public void EndRow()
    {
        rows++;
        foreach (var (name, _, values) in columns)
            if (values.Count != rows) throw new InvalidOperationException($"Column \"{name}\" has no value in row {rows}.");
    }

    public FrameBuilder Add(string name, string value) => Set(name, typeof(string), value);

    public FrameBuilder Add(string name, int value) => Set(name, typeof(int), value);

    public FrameBuilder Add(string name, double value) => Set(name, typeof(double), value);

    /// <summary>The model, display_name and parameters_b columns.</summary>
    public FrameBuilder Add(ModelStyle style) =>
        Add("model", style.Model).Add("display_name", style.DisplayName).Add("parameters_b", style.ParameterBillions);

    /// <summary>The value and its _se, _low and _high columns, as <see cref="EsrMetrics.ByGroups"/> names them.</summary>
    public FrameBuilder Add(string name, Estimate estimate) =>
        Add(name, estimate.Value).Add(name + "_se", estimate.StandardError).Add(name + "_low", estimate.Low).Add(name + "_high", estimate.High);

    /// <summary>The counts and every estimate column of <see cref="EsrMetrics.ByGroups"/>.</summary>
    public FrameBuilder Add(EsrSummary summary)
    {
        Add("n", summary.Included).Add("degraded", summary.Degraded).Add("multi_attempt", summary.MultiAttempt).Add("improved", summary.Improved);
        foreach (var name in EsrMetrics.EstimateColumns) Add(name, EsrMetrics.Pick(summary, name));
        return this;
    }

    public DataFrame ToFrame() => new(columns.Select(c => Column(c.Name, c.Type, c.Values)));

    private FrameBuilder Set(string name, Type type, object? value)
    {
        int index = columns.FindIndex(c => c.Name == name);
        if (index < 0)
        {
            if (rows > 0) throw new InvalidOperationException($"Column \"{name}\" first appears in row {rows + 1}.");
            columns.Add((name, type, []));
            index = columns.Count - 1;
        }
        var column = columns[index];
        if (column.Type != type) throw new InvalidOperationException($"Column \"{name}\" holds {column.Type.Name}, not {type.Name}.");
        if (column.Values.Count != rows) throw new InvalidOperationException($"Column \"{name}\" is set twice in row {rows + 1}.");
        column.Values.Add(value);
        return this;
    }

    private static DataFrameColumn Column(string name, Type type, List<object?> values) =>
        type == typeof(string) ? new StringDataFrameColumn(name, values.Cast<string>())
        : type == typeof(int) ? new Int32DataFrameColumn(name, values.Cast<int>())
        : new DoubleDataFrameColumn(name, values.Cast<double>());
}
