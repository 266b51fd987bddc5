using System.Xml.Linq;

namespace Esr.Notebooks.Tests;

public sealed class JUnitReportTests
{
    [Fact]
    public void Each_notebook_is_one_test_case_and_a_failed_one_names_its_cell_and_error()
    {
        NotebookRun[] runs =
        [
            new("notebooks/00-quickstart.ipynb", "out/00-quickstart.ipynb", "out/00-quickstart.html", TimeSpan.FromSeconds(12.5), null),
            new("notebooks/01-esr.ipynb", "out/01-esr.ipynb", null, TimeSpan.FromSeconds(3),
                new CellFailure("cell 4 (\"var y = x <;\")", "(1,12): error CS1525: Invalid expression term ';'\nmore", TimedOut: false)),
        ];

        var report = XDocument.Parse(JUnitReport.Create(runs).ToString());

        var suite = report.Root!.Element("testsuite")!;
        Assert.Equal("2", (string?)suite.Attribute("tests"));
        Assert.Equal("1", (string?)suite.Attribute("failures"));
        Assert.Equal("15.5", (string?)suite.Attribute("time"));
        var cases = suite.Elements("testcase").ToArray();
        Assert.Equal(["notebooks/00-quickstart.ipynb", "notebooks/01-esr.ipynb"], cases.Select(testCase => (string?)testCase.Attribute("name")));
        Assert.Equal("12.5", (string?)cases[0].Attribute("time"));
        Assert.Null(cases[0].Element("failure"));
        var failure = cases[1].Element("failure")!;
        Assert.Equal("cell 4 (\"var y = x <;\"): (1,12): error CS1525: Invalid expression term ';'", (string?)failure.Attribute("message"));
        Assert.Equal("(1,12): error CS1525: Invalid expression term ';'\nmore", failure.Value);
    }
}
