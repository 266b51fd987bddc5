using System.CommandLine;
using Esr.Kernel;

namespace Esr.Cli;

/// <summary>
/// <c>esr figure</c>: draws one figure of the kernel's <see cref="FigureCatalog"/> (ESR_SPEC §6) to a self-contained
/// HTML page or a PNG. The figure ids come from the catalog; the options fill a <see cref="FigureRequest"/>.
/// </summary>
internal static class FigureCommand
{
    public static Command Create(TextWriter output)
    {
        var figure = new Argument<string>("figure") { Description = "Which figure: " + string.Join(", ", FigureCatalog.All) };
        figure.AcceptOnlyFromAmong([.. FigureCatalog.All.Select(f => f.Id)]);
        var results = new Option<string[]>("--results")
        {
            Description = "Run folders (or their trials.jsonl), paper result .json files, or folders searched for both; figure 6: experiment 6's JSON",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            HelpName = "path",
        };
        var outPath = new Option<string>("--out") { Description = "The figure file: .html (self-contained) or .png", Required = true, HelpName = "file" };
        var excludeDegraded = new Option<bool>("--exclude-degraded") { Description = "Drop degraded (repetitive) outputs; the paper keeps them" };
        var boostMean = new Option<double?>("--boost-mean") { Description = "Figure 3: μ to put boosts in SDs from (default: the threshold_cache_stats of the sweep's runs and files, averaged per model)" };
        var boostStd = new Option<double?>("--boost-std") { Description = "Figure 3: σ to put boosts in SDs of (default: the threshold_cache_stats of the sweep's runs and files, averaged per model)" };
        var detectorCounts = new Option<string?>("--detector-counts")
        {
            Description = "Figures 5 and A14: count only ablation trials with these numbers of ablated latents, comma-separated, or any (default: 22,25,26, the paper's detector sets)",
            HelpName = "n,n|any",
        };
        var model = new Option<string[]>("--model")
        {
            Description = "Keep only these models' trials (figure 4-variants: exactly one, the model whose variants to draw)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "name",
        };
        var scale = new Option<double>("--scale") { Description = "PNG: pixels per layout unit", DefaultValueFactory = _ => 2 };
        var command = new Command("figure", "Draw a paper figure from trial results or experiment 6's readout (ESR_SPEC §6)")
        {
            figure, results, outPath, excludeDegraded, boostMean, boostStd, detectorCounts, model, scale,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new FigureRequest(parse.GetRequiredValue(results))
            {
                Models = parse.GetValue(model) ?? [],
                ExcludeDegraded = parse.GetValue(excludeDegraded),
                BoostMean = parse.GetValue(boostMean),
                BoostStd = parse.GetValue(boostStd),
                DetectorCounts = FigureRequest.ParseDetectorCounts(parse.GetValue(detectorCounts)),
                Scale = parse.GetValue(scale),
            };
            string path = parse.GetRequiredValue(outPath);
            await FigureCatalog.Get(parse.GetRequiredValue(figure)).SaveAsync(request, path, cancellationToken);
            output.WriteLine(path);
            return ExitCodes.Success;
        });
        return command;
    }
}
