using Esr.Kernel;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Options;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary>
/// <c>#!esr experiment &lt;id&gt; [options]</c>: runs an experiment of the kernel's catalog with the progress updated in
/// place, then shows the paper's metrics and the trials. Its options are the catalog's <see cref="OptionSpec"/>s: the
/// directive declares every experiment's options (for completions and help), and the cell's own tokens go to the
/// catalog's parser, so each experiment takes exactly its options, as <c>esr experiment</c> does.
/// </summary>
public sealed class EsrExperiment : EsrCommand
{
    /// <summary>The experiment id.</summary>
    public string? Id { get; set; }

    /// <summary>The C# variable that receives the <see cref="ExperimentRunResult"/>.</summary>
    public string? Name { get; set; }

    internal override string DirectiveName => "experiment";

    internal override string Usage => $"experiment <{string.Join('|', Workbench.Experiments.All.Select(e => e.Id))}> [the experiment's options] [--out DIR] [--name <var>]";

    internal override string Summary =>
        "Runs an experiment of the catalog (the options of `esr experiment <id>`; #!esr help experiment lists them), its progress updated in place; " +
        "a cancelled run keeps its stored trials and the same cell resumes it; ends with the paper's metrics and a preview of the trials as a DataFrame.";

    internal override int Order => 5;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--id", "The experiment: " + string.Join(", ", Workbench.Experiments.All.Select(e => $"{e.Id} ({e.Title})")))
            { AllowImplicitName = true, Required = true }.WithValues([.. Workbench.Experiments.All.Select(e => e.Id)]),
        new KernelDirectiveParameter("--name", "A C# variable to receive the ExperimentRunResult"),
        .. CatalogOptions.Parameters(Workbench.Experiments.All.SelectMany(e => e.Options)),
    ];

    /// <summary>The id and --name, then each experiment's own options (the directive accepts their union).</summary>
    internal override IEnumerable<string> OptionHelp(EsrSession session) =>
    [
        .. base.OptionHelp(session).Take(2),
        .. Workbench.Experiments.All.Select(e =>
            $"experiment {e.Id} ({e.Title}): {string.Join(' ', e.Options.Select(spec => spec.Required ? $"{spec.Name} <{spec.HelpName}>" : $"[{spec.Name}]"))}"),
        "esr experiment <id> --help describes each option.",
    ];

    internal override async Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        var name = OptionValues.VariableName(Name);
        var experiment = Workbench.Experiments.Get(Id!);
        var values = Esr.Kernel.Options.OptionValues.Parse(experiment.Options, CatalogOptions.Tokens(DirectiveLine() ?? throw new EsrInputException($"send it as a cell's line: {EsrMagics.DirectiveName} {Usage} (its options are read from the cell)"), DirectiveName, ["--id", "--name"]));
        var display = Show(context, new RunProgress(0, 0, 0, null, $"starting {experiment}"));
        var progress = new ThrottledProgress<RunProgress>(session.StreamInterval, update => display.Update(update));
        await session.ExperimentStoppedAsync();
        var run = experiment.RunAsync(values, progress, context.CancellationToken);
        session.LastExperiment = run;
        var result = await run;
        display.Update(result);
        // A preview: every trial with its response would make the page thousands of pixels tall; --name binds them all.
        if (result.Trials.Count > 0) KernelInvocationContextExtensions.Display(context, result.TrialsPreview());
        await CSharpBinding.BindAsync(name, result, context);
    }
}
