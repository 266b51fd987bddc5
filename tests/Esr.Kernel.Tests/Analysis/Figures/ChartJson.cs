using System.Text.Json;
using Esr.Kernel.Analysis.Figures;
using Plotly.NET;

namespace Esr.Kernel.Tests.Analysis.Figures;

/// <summary>A chart's plotly.js figure JSON, parsed for assertions.</summary>
internal sealed class ChartJson
{
    private readonly JsonElement root;

    public ChartJson(GenericChart chart) => root = JsonDocument.Parse(FigureExport.ToJson(chart)).RootElement;

    public IReadOnlyList<JsonElement> Traces => root.GetProperty("data").EnumerateArray().ToList();

    public JsonElement Layout => root.GetProperty("layout");

    public IReadOnlyList<JsonElement> TracesOfType(string type) => Traces.Where(t => t.GetProperty("type").GetString() == type).ToList();

    /// <summary>Every axis title in the layout.</summary>
    public IReadOnlyList<string> AxisTitles() =>
        Layout.EnumerateObject().Where(p => p.Name.StartsWith("xaxis", StringComparison.Ordinal) || p.Name.StartsWith("yaxis", StringComparison.Ordinal))
            .Select(p => p.Value.TryGetProperty("title", out var t) && t.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "")
            .Where(t => t.Length > 0).ToList();

    public IReadOnlyList<string> Annotations() =>
        Layout.TryGetProperty("annotations", out var a) ? a.EnumerateArray().Select(x => x.GetProperty("text").GetString() ?? "").ToList() : [];

    public IReadOnlyList<JsonElement> Shapes() =>
        Layout.TryGetProperty("shapes", out var s) ? s.EnumerateArray().ToList() : [];

    /// <summary>Marker colours of a trace, whether one colour or one per point.</summary>
    public static IReadOnlyList<string> Colours(JsonElement trace)
    {
        var colour = trace.GetProperty("marker").GetProperty("color");
        return colour.ValueKind == JsonValueKind.Array ? colour.EnumerateArray().Select(c => c.GetString()!).ToList() : [colour.GetString()!];
    }
}
