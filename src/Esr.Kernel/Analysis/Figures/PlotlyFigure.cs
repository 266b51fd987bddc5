using System.Globalization;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Assembles a Plotly figure from plotly.js trace and layout properties (names as in the plotly.js reference), so
/// the chart builders can lay out subplots exactly; NaN becomes null (plotly.js draws a gap). The title, bar
/// categories and labels and line names given to its helpers are plain text (escaped here by <see cref="HtmlText.Escape"/>);
/// text a chart puts into traces or annotations itself goes through <see cref="HtmlText.Escape"/> there.
/// </summary>
internal sealed class PlotlyFigure
{
    private readonly List<Trace> traces = [];
    private readonly Layout layout = new();
    private readonly List<object> shapes = [];
    private readonly List<object> annotations = [];

    public PlotlyFigure(string title, int width, int height)
    {
        layout.SetProperty("title", new { text = HtmlText.Escape(title), x = 0.5 });
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
        layout.SetProperty("paper_bgcolor", "white");
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("font", new { family = "Arial, sans-serif", size = 14 });
    }

    /// <summary>Adds a trace of the given plotly.js type; the public properties of <paramref name="properties"/> become its attributes.</summary>
    public void Add(string type, object properties)
    {
        var trace = new Trace(type);
        foreach (var p in properties.GetType().GetProperties()) trace.SetProperty(p.Name, p.GetValue(properties));
        traces.Add(trace);
    }

    /// <summary>Sets one layout attribute, e.g. "xaxis2".</summary>
    public void Layout(string key, object value) => layout.SetProperty(key, value);

    public void Shape(object shape) => shapes.Add(shape);

    public void Annotation(object annotation) => annotations.Add(annotation);

    /// <summary>A dashed vertical line at x over the whole height of subplot axis pair (x, y).</summary>
    public void VerticalLine(double x, string xAxis, string yAxis, string colour = "red") =>
        Shape(new { type = "line", x0 = x, x1 = x, xref = xAxis, y0 = 0, y1 = 1, yref = yAxis + " domain", line = new { color = colour, dash = "dash", width = 1.5 } });

    /// <summary>A dashed horizontal line at y across subplot axis pair (x, y).</summary>
    public void HorizontalLine(double y, string xAxis, string yAxis, string colour) =>
        Shape(new { type = "line", y0 = y, y1 = y, yref = yAxis, x0 = 0, x1 = 1, xref = xAxis + " domain", line = new { color = colour, dash = "dash", width = 2 } });

    public GenericChart ToChart()
    {
        if (shapes.Count > 0) layout.SetProperty("shapes", shapes);
        if (annotations.Count > 0) layout.SetProperty("annotations", annotations);
        var chart = GenericChart.ofTraceObjects(false, traces);
        chart = GenericChart.setLayout(layout, chart);
        return GenericChart.setDisplayOptions(DisplayOptions.init(
            DocumentTitle: null, DocumentCharset: null, DocumentDescription: null, DocumentFavicon: null,
            AdditionalHeadTags: null, ChartDescription: null,
            PlotlyJSReference: Microsoft.FSharp.Core.FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full)), chart);
    }

    /// <summary>Axis id "x", "x2", …: the trace's reference for subplot <paramref name="index"/> (1-based).</summary>
    public static string Axis(char letter, int index) => index == 1 ? letter.ToString() : letter + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Layout key "xaxis", "xaxis2", … for subplot <paramref name="index"/> (1-based).</summary>
    public static string AxisKey(char letter, int index) => index == 1 ? letter + "axis" : letter + "axis" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Values for plotly.js, NaN as null.</summary>
    public static double?[] Values(IEnumerable<double> values) => values.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray();

    /// <summary>
    /// The paper's fixed axis range, its top raised to the next multiple of 5 when the data (values plus their error
    /// bars) would leave it: toy-world rates exceed some of the paper's axes, and a clipped bar reads as a wrong one.
    /// </summary>
    public static double[] Covering(double[] paperRange, IEnumerable<double> tops)
    {
        var highest = tops.Where(double.IsFinite).DefaultIfEmpty(paperRange[1]).Max();
        return highest <= paperRange[1] ? paperRange : [paperRange[0], Math.Ceiling(highest / 5) * 5];
    }

    /// <summary>1.96·SE (or z·SE) error-bar lengths, NaN as 0.</summary>
    public static double[] Errors(IEnumerable<double> standardErrors, double z = 1.96) =>
        standardErrors.Select(se => double.IsNaN(se) ? 0 : z * se).ToArray();

    /// <summary>A column of a frame as doubles.</summary>
    public static double[] Doubles(DataFrame frame, string column) =>
        Enumerable.Range(0, (int)frame.Rows.Count).Select(i => Convert.ToDouble(frame[column][i], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A column of a frame as strings.</summary>
    public static string[] Strings(DataFrame frame, string column) =>
        Enumerable.Range(0, (int)frame.Rows.Count).Select(i => Convert.ToString(frame[column][i], CultureInfo.InvariantCulture) ?? "").ToArray();

    /// <summary>A column of a frame as ints.</summary>
    public static int[] Ints(DataFrame frame, string column) =>
        Enumerable.Range(0, (int)frame.Rows.Count).Select(i => Convert.ToInt32(frame[column][i], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>"#RRGGBB" as "rgba(r,g,b,alpha)" for translucent bands.</summary>
    public static string Translucent(string hex, double alpha)
    {
        int rgb = int.Parse(hex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"rgba({(rgb >> 16) & 255},{(rgb >> 8) & 255},{rgb & 255},{alpha})");
    }

    /// <summary>
    /// A line with a ±band: an invisible upper edge, the lower edge filled up to it, then the line itself.
    /// </summary>
    public void LineWithBand(double[] x, double[] y, double[] halfWidth, string colour, string name, string xAxis, string yAxis, double lineWidth, bool markers = false)
    {
        Add("scatter", new { x, y = Values(y.Select((v, i) => v + halfWidth[i])), mode = "lines", line = new { width = 0, color = colour }, xaxis = xAxis, yaxis = yAxis, showlegend = false, hoverinfo = "skip" });
        Add("scatter", new { x, y = Values(y.Select((v, i) => v - halfWidth[i])), mode = "lines", line = new { width = 0, color = colour }, fill = "tonexty", fillcolor = Translucent(colour, 0.2), xaxis = xAxis, yaxis = yAxis, showlegend = false, hoverinfo = "skip" });
        Add("scatter", new { x, y = Values(y), mode = markers ? "lines+markers" : "lines", name = HtmlText.Escape(name), line = new { width = lineWidth, color = colour }, marker = new { size = 8, color = colour }, xaxis = xAxis, yaxis = yAxis });
    }

    /// <summary>
    /// A panel of vertical bars in subplot k spanning the horizontal <paramref name="domain"/>: one bar per category
    /// with ±error bars, optional text under each category and a fixed y range.
    /// </summary>
    public void BarPanel(int k, double[] domain, string[] categories, double[] values, double[] errors, string[] colours, string yTitle, double[]? yRange = null, string[]? labels = null)
    {
        string x = Axis('x', k), y = Axis('y', k);
        Add("bar", new
        {
            x = categories.Select(HtmlText.Escape).ToArray(),
            y = Values(values),
            marker = new { color = colours, line = new { color = "black", width = 1 } },
            error_y = new { type = "data", array = errors, visible = true, thickness = 1.5, width = 6 },
            text = labels?.Select(HtmlText.Escape).ToArray(),
            textposition = labels is null ? null : "inside",
            insidetextanchor = "start",
            name = yTitle,
            xaxis = x,
            yaxis = y,
            showlegend = false,
        });
        Layout(AxisKey('x', k), new { domain, anchor = y, type = "category", automargin = true }); // room for long, tilted names
        Layout(AxisKey('y', k), new { anchor = x, title = new { text = yTitle }, range = yRange is null ? null : Covering(yRange, values.Zip(errors, (v, e) => v + e)), gridcolor = "#e5e5e5" });
    }
}
