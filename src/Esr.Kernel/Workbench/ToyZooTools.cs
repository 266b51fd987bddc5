using System.Runtime.CompilerServices;
using System.Text.Json;
using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;
using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>
/// The toy zoo's tasks for front ends and notebooks: build it, read its listing, measure its models against the
/// toy world's targets, write its experiment prompts, find a model's off-topic detectors. Errors are
/// <see cref="EsrInputException"/>s naming the input.
/// </summary>
public static class ToyZooTools
{
    /// <summary>
    /// Trains the zoo from nothing into <paramref name="folder"/> (model folders in it are replaced), deterministically for
    /// a fixed thread count (<see cref="Workbench.SetThreads"/>).
    /// </summary>
    /// <param name="folder">The zoo folder.</param>
    /// <param name="sizes">Only these sizes (each size's models depend on nothing else, so sizes built apart equal a whole build; zoo.json then lists only them); null or empty for all.</param>
    /// <param name="log">Receives progress lines; null for none.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <param name="recipe">"default" (the committed zoo, <see cref="ToyZooSettings.Default"/>), "first" (the first zoo, <see cref="ToyZooSettings.First"/>) or "quiet-detectors" (the committed zoo before its detectors learned to fire, <see cref="ToyZooSettings.QuietDetectors"/>).</param>
    /// <returns>The models written, as zoo.json lists them.</returns>
    /// <exception cref="EsrInputException">The folder is a file, or a size or the recipe is unknown.</exception>
    public static IReadOnlyList<ToyZooEntry> Build(
        string folder, IReadOnlyList<string>? sizes = null, IProgress<string>? log = null, CancellationToken cancellationToken = default, string recipe = "default")
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (File.Exists(folder)) throw new EsrInputException($"--out '{folder}' is a file; expected a folder");
        return new ToyZooBuilder(Settings(recipe, sizes)).Build(folder, log, cancellationToken);
    }

    /// <summary>
    /// The sizes of a build split into at most <paramref name="jobs"/> groups of about equal work, to build them in as
    /// many processes at once: the largest first (<see cref="ToyZooSettings.BuildWork"/>), each to the group with the
    /// least so far; a group's sizes in the recipe's order. With the committed recipe and 2 jobs: m, then s and l.
    /// </summary>
    /// <param name="jobs">Processes, at least 1.</param>
    /// <param name="sizes">Only these sizes; null or empty for all.</param>
    /// <param name="recipe">As in <see cref="Build"/>.</param>
    /// <exception cref="EsrInputException">A size or the recipe is unknown, or jobs is below 1.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> PlanJobs(int jobs, IReadOnlyList<string>? sizes = null, string recipe = "default")
    {
        if (jobs < 1) throw new EsrInputException($"--jobs {jobs}: expected 1 or more");
        var settings = Settings(recipe, sizes);
        var vocabulary = ToyTokenizerWriter.Ids(ToyWorld.Default).Count;
        var groups = Enumerable.Range(0, Math.Min(jobs, settings.Sizes.Count)).Select(_ => (Work: 0.0, Sizes: new List<ToySize>())).ToList();
        foreach (var (size, work) in settings.Sizes.Select(size => (size, settings.BuildWork(size, vocabulary))).OrderByDescending(pair => pair.Item2))
        {
            var lightest = groups.MinBy(group => group.Work);
            groups[groups.IndexOf(lightest)] = (lightest.Work + work, [.. lightest.Sizes, size]);
        }
        return groups.Select(group => (IReadOnlyList<string>)settings.Sizes.Where(group.Sizes.Contains).Select(size => size.Name).ToArray()).ToArray();
    }

    /// <summary>
    /// Gathers builds of parts of a zoo (each written by <see cref="Build"/> with some of the sizes into a part folder)
    /// into <paramref name="folder"/>: their model folders move in, replacing those there, zoo.json lists their entries
    /// in the recipe's size order, and the part folders are deleted.
    /// </summary>
    /// <returns>The entries of the gathered zoo.json.</returns>
    /// <exception cref="EsrInputException">A part has no zoo.json, or the recipe is unknown.</exception>
    public static IReadOnlyList<ToyZooEntry> Combine(string folder, IReadOnlyList<string> parts, string recipe = "default")
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(parts);
        var order = Settings(recipe, null).Sizes.Select(size => size.Name).ToList();
        var built = parts.Select(part => (Part: part, Entries: InputErrors.Convert(() => ToyZoo.Read(part)))).ToArray();
        Directory.CreateDirectory(folder);
        foreach (var (part, entries) in built)
        {
            foreach (var entry in entries)
            {
                var destination = Path.Combine(folder, entry.Name);
                if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
                Directory.Move(Path.Combine(part, entry.Name), destination);
            }
        }
        var combined = built.SelectMany(part => part.Entries).OrderBy(entry => order.IndexOf(entry.Size)).ToArray(); // stable: a size keeps its build order
        ToyZoo.Write(folder, combined);
        foreach (var (part, _) in built) Directory.Delete(part, recursive: true);
        return combined;
    }

    /// <summary>The recipe's settings, with only <paramref name="sizes"/> where given.</summary>
    private static ToyZooSettings Settings(string recipe, IReadOnlyList<string>? sizes)
    {
        var settings = recipe switch
        {
            "default" => ToyZooSettings.Default,
            "first" => ToyZooSettings.First,
            "quiet-detectors" => ToyZooSettings.QuietDetectors,
            _ => throw new EsrInputException($"--recipe '{recipe}': no such recipe (expected default, first or quiet-detectors)"),
        };
        if (sizes is not { Count: > 0 }) return settings;
        var known = settings.Sizes.Select(size => size.Name).ToArray();
        var unknown = sizes.Except(known).ToArray();
        if (unknown.Length > 0)
            throw new EsrInputException($"--size {string.Join(", ", unknown)}: no such size (expected {string.Join(", ", known)})");
        return settings with { Sizes = settings.Sizes.Where(size => sizes.Contains(size.Name)).ToArray() };
    }

    /// <summary>The models of a zoo, as its zoo.json lists them.</summary>
    /// <param name="zoo">The zoo folder; null for <c>$ESR_TOY_ZOO</c>, else toy/zoo found from the app or current folder.</param>
    /// <exception cref="EsrInputException">No zoo found, or a malformed zoo.json.</exception>
    public static IReadOnlyList<ToyZooEntry> List(string? zoo = null) => InputErrors.Convert(() => ToyZoo.Read(zoo ?? ToyZoo.Locate()));

    /// <summary>
    /// Measures zoo models, one after another: each model's first-attempt threshold is calibrated (the boost giving a
    /// first-attempt score of 30), then the model is measured unsteered, at that threshold and at the further boosts.
    /// </summary>
    /// <param name="settings">Which models, how many prompts, which boosts, sampling, device.</param>
    /// <param name="cancellationToken">Stops between generations.</param>
    /// <returns>One measurement per model and boost, as each finishes.</returns>
    /// <exception cref="EsrInputException">No zoo found, a model not in it, or a device this machine lacks.</exception>
    public static IAsyncEnumerable<ToyMeasurement> MeasureAsync(ToyMeasureSettings settings, CancellationToken cancellationToken = default)
    {
        // Checked now, not at the first row, so that a front end can refuse before it prints anything.
        ArgumentNullException.ThrowIfNull(settings);
        var zoo = settings.Zoo ?? InputErrors.Convert(ToyZoo.Locate);
        var entries = List(zoo);
        if (settings.Models.Except(entries.Select(entry => entry.Name)).FirstOrDefault() is { } missing)
            throw new EsrInputException($"--model {missing}: not in the zoo at {zoo} (it has {string.Join(", ", entries.Select(entry => entry.Name))})");
        var device = ComputeDevice.Parse(settings.Device);
        var chosen = entries.Where(entry => settings.Models.Count == 0 || settings.Models.Contains(entry.Name)).ToArray();
        return Measure(zoo, chosen, settings, device, cancellationToken);
    }

    private static async IAsyncEnumerable<ToyMeasurement> Measure(
        string zoo, IReadOnlyList<ToyZooEntry> entries, ToyMeasureSettings settings, ComputeDevice device, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            using var evaluation = ToyEvaluation.ForZooModel(zoo, entry, device.Torch);
            evaluation.Sampling = evaluation.Sampling with { Temperature = settings.Temperature, MaxNewTokens = settings.MaxTokens };
            var threshold = (await evaluation.CalibrateAsync(cancellationToken: cancellationToken)).Threshold;
            foreach (var boost in new[] { 0, threshold }.Concat(settings.Boosts))
            {
                var result = await evaluation.MeasureAsync(boost, settings.Prompts, seed: 7, cancellationToken);
                yield return new ToyMeasurement(entry.Name, boost == threshold, result);
            }
        }
    }

    /// <summary>
    /// The toy world's off-topic detectors by separability (<see cref="ToyDetectorDiscovery"/>, not the paper's
    /// contrastive rule of experiment 3a): the latents whose activation best separates the off-topic tokens of the
    /// steered first attempts of an experiment-1 run from their on-task tokens, by the exact judge's sentence labels.
    /// Writes the detector file, which <c>esr experiment 3 --ablate</c> and 10 read as they read the paper's.
    /// </summary>
    /// <param name="settings">The model, the run, the file to write, the SAE and block, the rule.</param>
    /// <param name="cancellationToken">Stops between trials.</param>
    /// <returns>The detectors and what they were found over.</returns>
    /// <exception cref="EsrInputException">No such run or no steered trial in it, a prompt of another world, no SAE, a block
    /// beyond the model, or as <see cref="Workbench.Load"/> loads.</exception>
    public static ToyDetectorResult FindDetectors(ToyDetectorSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var run = settings.FromResults;
        var trials = InputErrors.Convert(() => SourceResults.Load(run));
        var reference = ModelReference.Resolve(settings.Model);
        var sae = settings.Sae ?? Path.Combine(reference.Directory, ToyZoo.SaeFolder);
        if (!File.Exists(sae) && !Directory.Exists(sae))
            throw new EsrInputException($"--sae '{sae}': no such SAE file or folder (a toy model keeps its own in {ToyZoo.SaeFolder}/ of its folder)");
        var layer = settings.Layer ?? InputErrors.Convert(() => SteeredBlock(run)) ?? reference.Toy?.SaeBlock
            ?? throw new EsrInputException($"--layer <L> is required: --from-results {run} records no steered block");
        var (loaded, readout) = ReadoutRuns.Load(reference, new LoadOptions { Device = settings.Device, Sae = sae }, layer, layer);
        using (loaded)
        {
            var options = new ToyDetectorOptions
            {
                Rule = settings.Rule, SentenceEnds = settings.SentenceEnds, ModelName = loaded.Name, Sae = $"{sae} at {readout.ReadoutPoint}", SourceResults = Path.GetFullPath(run),
            };
            ToyDetectorResult result;
            try
            {
                result = ToyDetectorDiscovery.Run(readout, trials, options, cancellationToken);
            }
            catch (InvalidDataException error)
            {
                throw new EsrInputException($"--from-results {run}: {error.Message}", error);
            }
            JsonResultFile.Write(settings.Out, result.ToJson());
            return result;
        }
    }

    // The block a run folder's manifest says its trials were steered at, so that the readout steers where generation did.
    private static int? SteeredBlock(string run) =>
        Directory.Exists(run) ? new RunStore(run).ReadManifest()?.Config.Deserialize<ExperimentSettings>(TrialJson.Options)?.SteeringBlock : null;

    /// <summary>
    /// Writes a data folder for the experiments: the toy world's experiment prompts (one per task) as <c>prompts.txt</c>
    /// in the paper's format, and its meta-prompts (<see cref="ToyMetaPrompts.Variants"/>) as <c>meta_prompts.json</c>,
    /// which experiment 5 then uses (or takes as <c>--variants</c>).
    /// </summary>
    /// <returns>The prompts file and its prompt count.</returns>
    public static (string Path, int Count) WritePrompts(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "prompts.txt");
        var lines = ToyWorld.Default.ExperimentPrompts();
        // No trailing newline, as the paper's prompts.txt (ESR_SPEC §1.6).
        AtomicFile.WriteAllText(path, string.Join('\n', lines));
        PromptVariantFile.Write(Path.Combine(folder, PromptVariantFile.FileName), ToyMetaPrompts.Variants, MetaPromptFigure.NameOf);
        return (path, lines.Count);
    }
}
