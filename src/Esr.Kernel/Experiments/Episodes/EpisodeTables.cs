using System.Globalization;
using System.Text;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// The LaTeX tables of Experiment 9 (ESR_SPEC §7.2 step 7): the group summary, the per-OTD table sorted by Cohen's d
/// and the per-backtracking table sorted by correction-region mean, both descending. Values below 0.001 in
/// magnitude are printed in scientific notation, others with 4 decimals; p-values carry stars at 0.05/0.01/0.001.
/// </summary>
public static class EpisodeTables
{
    /// <summary>Labels are cut to this many characters.</summary>
    public const int LabelLength = 40;

    /// <summary>Rows "OTDs (n)" and "Backtracking (n)": region mean ± SD, Wilcoxon p, Cohen's d.</summary>
    public static string Summary(GroupRegionStats offTopicDetectors, GroupRegionStats backtracking)
    {
        ArgumentNullException.ThrowIfNull(offTopicDetectors);
        ArgumentNullException.ThrowIfNull(backtracking);
        var text = Begin("lccccc", @"Group & Off-topic & Correction & On-topic & Wilcoxon $p$ & Cohen's $d$");
        foreach (var (name, g) in new[] { ("OTDs", offTopicDetectors), ("Backtracking", backtracking) })
            text.AppendLine(CultureInfo.InvariantCulture, $"{name} ({g.LatentCount}) & {MeanSd(g.OffTopicMean, g.OffTopicSd)} & {MeanSd(g.CorrectionMean, g.CorrectionSd)} & "
                + $"{MeanSd(g.OnTopicMean, g.OnTopicSd)} & {P(g.Wilcoxon.PValue)} & {Number(g.CohensD)} \\\\");
        return End(text);
    }

    /// <summary>One row per OTD (index, label, off-topic mean, on-topic mean, p, d), by Cohen's d descending.</summary>
    public static string OffTopicDetectors(IReadOnlyList<LatentRegionStats> stats, Func<int, string>? label = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var text = Begin("rlcccc", @"Latent & Label & Off-topic & On-topic & Wilcoxon $p$ & Cohen's $d$");
        foreach (var s in stats.OrderByDescending(s => s.CohensD).ThenBy(s => s.Latent))
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Latent} & {Label(label, s.Latent)} & {Number(s.OffTopic.Mean)} & {Number(s.OnTopic.Mean)} & {P(s.Wilcoxon.PValue)} & {Number(s.CohensD)} \\\\");
        return End(text);
    }

    /// <summary>One row per backtracking latent (with its correction-region mean), by that mean descending.</summary>
    public static string Backtracking(IReadOnlyList<LatentRegionStats> stats, Func<int, string>? label = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var text = Begin("rlccccc", @"Latent & Label & Off-topic & Correction & On-topic & Wilcoxon $p$ & Cohen's $d$");
        foreach (var s in stats.OrderByDescending(s => double.IsNaN(s.Correction.Mean) ? double.NegativeInfinity : s.Correction.Mean).ThenBy(s => s.Latent))
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Latent} & {Label(label, s.Latent)} & {Number(s.OffTopic.Mean)} & {Number(s.Correction.Mean)} & "
                + $"{Number(s.OnTopic.Mean)} & {P(s.Wilcoxon.PValue)} & {Number(s.CohensD)} \\\\");
        return End(text);
    }

    /// <summary>A value as the tables print it: "nan" for NaN, scientific below 0.001 in magnitude (0 stays 0.0000).</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "nan"
        : value != 0 && Math.Abs(value) < 0.001 ? value.ToString("0.00e+00", CultureInfo.InvariantCulture)
        : value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>A p-value with its stars: * &lt; 0.05, ** &lt; 0.01, *** &lt; 0.001.</summary>
    public static string P(double p) => Number(p) + (p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : "");

    /// <summary>Escapes LaTeX's special characters in plain text.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
            escaped.Append(c switch
            {
                '\\' => @"\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => "\\" + c,
                '~' => @"\textasciitilde{}",
                '^' => @"\textasciicircum{}",
                _ => c.ToString(),
            });
        return escaped.ToString();
    }

    private static string Label(Func<int, string>? label, int latent)
    {
        var text = label?.Invoke(latent) ?? "";
        return Escape(text.Length > LabelLength ? text[..LabelLength] : text);
    }

    private static string MeanSd(double mean, double sd) => $"{Number(mean)} $\\pm$ {Number(sd)}";

    private static StringBuilder Begin(string columns, string header) =>
        new StringBuilder().AppendLine($"\\begin{{tabular}}{{{columns}}}").AppendLine("\\hline").AppendLine(header + @" \\").AppendLine("\\hline");

    private static string End(StringBuilder text) => text.AppendLine("\\hline").AppendLine("\\end{tabular}").ToString();
}
