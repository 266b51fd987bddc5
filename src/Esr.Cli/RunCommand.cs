using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Esr.Notebooks;

namespace Esr.Cli;

/// <summary>
/// <c>esr run</c>: executes notebooks headlessly (Esr.Notebooks' runner), one line per notebook on stdout, one
/// line per failed notebook on stderr naming the notebook, the cell and the error; exit status 1 if any failed.
/// </summary>
internal static class RunCommand
{
    /// <summary>Where executed notebooks go unless <c>-o</c> says otherwise (ignored by git).</summary>
    public const string DefaultOutputFolder = "artifacts/notebooks";

    public static Command Create(TextWriter output)
    {
        var notebooks = new Argument<string[]>("notebook") { Description = "The .ipynb files to run, in order", Arity = ArgumentArity.OneOrMore };
        var outFolder = new Option<string>("--output", "-o")
        {
            Description = "Folder for the executed notebooks (and pages), under their own file names",
            HelpName = "dir",
            DefaultValueFactory = _ => DefaultOutputFolder,
        };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "Set a variable of the notebook's 'parameters' cell (repeatable); the value is typed as the cell declares it: int, long, double, float, bool or string",
            HelpName = "name=value",
        };
        parameters.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Select(token => token.Value).Where(value => NotebookParameters.ParseAssignment(value) is null))
                result.AddError($"-p '{token}' must be name=value with a C# variable name");
        });
        var timeout = CliOptions.OptionalNumber("--timeout", "Seconds each notebook may run; the cell running then is cancelled and the notebook fails", value => value > 0, "a positive number of seconds");
        var html = new Option<bool>("--html") { Description = "Also write a static HTML page per notebook (markdown, tables, charts as PNG) beside it" };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report, one test case per notebook", HelpName = "file.xml" };
        var extensions = new Option<string[]>("--extension")
        {
            Description = "Load a .NET Interactive extension before each notebook's first cell: an assembly, or a package folder with interactive-extensions/dotnet (repeatable; notebooks load packaged ones with #r \"nuget:...\")",
            HelpName = "path",
        };
        var command = new Command("run", "Execute .ipynb notebooks headlessly in-process and write them with their outputs (papermill-style parameters)")
        {
            notebooks, outFolder, parameters, timeout, html, junit, extensions,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = parse.GetRequiredValue(notebooks);
            var runner = new NotebookRunner(new NotebookRunOptions(parse.GetRequiredValue(outFolder))
            {
                Parameters = [.. (parse.GetValue(parameters) ?? []).Select(value => NotebookParameters.ParseAssignment(value)!.Value)],
                Timeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Html = parse.GetValue(html),
                Extensions = parse.GetValue(extensions) ?? [],
            });
            // Every notebook is read and given its parameters before any runs, so a typo fails fast.
            var prepared = runner.Prepare(paths);
            var runs = new List<NotebookRun>();
            foreach (var notebook in prepared)
            {
                var run = await runner.RunAsync(notebook, cancellationToken);
                runs.Add(run);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(run.Succeeded ? "passed" : "FAILED")} {run.NotebookPath} in {run.Duration.TotalSeconds:F1} s -> {run.OutputPath}{(run.HtmlPath is null ? "" : $", {run.HtmlPath}")}"));
                output.Flush();
                if (run.FailureLine is { } line) parse.InvocationConfiguration.Error.WriteLine($"esr: {line}");
            }
            if (parse.GetValue(junit) is { } report) JUnitReport.Write(runs, report);
            return runs.All(run => run.Succeeded) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
