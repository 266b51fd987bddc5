using System.Globalization;
using System.Xml.Linq;
using Esr.Kernel;

namespace Esr.Notebooks;

/// <summary>A JUnit XML report of notebook runs: one test case per notebook, a failure naming the cell and its error.</summary>
public static class JUnitReport
{
    /// <summary>The report for <paramref name="runs"/>.</summary>
    public static XDocument Create(IReadOnlyList<NotebookRun> runs)
    {
        static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var failures = runs.Count(run => !run.Succeeded).ToString(CultureInfo.InvariantCulture);
        var total = TimeSpan.FromTicks(runs.Sum(run => run.Duration.Ticks));
        var suite = new XElement("testsuite",
            new XAttribute("name", "notebooks"),
            new XAttribute("tests", runs.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("time", Seconds(total)),
            runs.Select(run => new XElement("testcase",
                new XAttribute("classname", "notebooks"),
                new XAttribute("name", run.NotebookPath),
                new XAttribute("time", Seconds(run.Duration)),
                run.Failure is { } failure
                    ? new XElement("failure",
                        new XAttribute("message", $"{failure.Cell}: {failure.FirstLine}"),
                        new XAttribute("type", failure.TimedOut ? "timeout" : "cell error"),
                        failure.Message)
                    : null,
                new XElement("system-out", $"executed notebook: {run.OutputPath}" + (run.HtmlPath is null ? "" : $"\npage: {run.HtmlPath}")))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "esr run"), new XAttribute("tests", runs.Count), new XAttribute("failures", failures), new XAttribute("time", Seconds(total)), suite));
    }

    /// <summary>Writes the report for <paramref name="runs"/> to <paramref name="path"/> whole.</summary>
    public static void Write(IReadOnlyList<NotebookRun> runs, string path)
    {
        var report = Create(runs);
        AtomicFile.WriteAllText(path, $"{report.Declaration}\n{report.Root}\n");
    }
}
