using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Hooks;
using Esr.Kernel.Options;
using Esr.Kernel.Results;
using Esr.Kernel.Saes;

namespace Esr.Kernel;

/// <summary>What the readout and regrading experiments (3a, 6, 7, 9) share: their common options, loading, and checks.</summary>
internal static class ReadoutRuns
{
    /// <summary><c>--model</c>: the model that is read.</summary>
    public static OptionSpec Model { get; } = OptionSpec.Text("--model",
        "Model directory (config.json, model.safetensors or shards, tokenizer files), a toy model's name, or a paper short name in the Hugging Face cache", "dir", required: true);

    /// <summary><c>--sae</c>: the SAE that is read.</summary>
    public static OptionSpec Sae { get; } = OptionSpec.Path("--sae", "SAE: a SAELens folder, a GemmaScope params.npz or a Goodfire .pth/.pt (a toy model brings its own)", "path");

    /// <summary><c>--layer</c>: the block whose output the SAE reads.</summary>
    public static OptionSpec Layer { get; } = OptionSpec.Integer("--layer", "Block whose output the SAE reads (the paper's 70B: 50; a toy model's SAE block by default)", minimum: 0);

    /// <summary><c>--detectors</c>: a detector file, the paper's 26 by default.</summary>
    public static OptionSpec Detectors { get; } = OptionSpec.Path("--detectors",
        "A detector file with an off_topic_detectors list (default: the paper's 26, off_topic_detectors_paper26.json)", "file.json");

    /// <summary><c>--trials</c>: runs and paper result files, read as <c>esr figure</c> reads them.</summary>
    public static OptionSpec Trials { get; } = OptionSpec.Path("--trials",
        "The trials: a run folder, a paper result .json, or a folder of them (as esr figure reads them)", "run dir|paper.json|dir", required: true);

    /// <summary>The detectors of <c>--detectors</c>, else the paper's 26.</summary>
    public static IReadOnlyList<int> DetectorsOf(OptionValues values) =>
        values.OptionalText("--detectors") is { } path ? OffTopicDetectorSets.Read(path) : OffTopicDetectorSets.Paper26;

    /// <summary>The trials of <c>--trials</c>.</summary>
    /// <exception cref="EsrInputException">No such file or folder, or one of another kind.</exception>
    public static IReadOnlyList<TrialRecord> ReadTrials(OptionValues values, CancellationToken cancellationToken)
    {
        var path = values.Text("--trials");
        return File.Exists(path) || Directory.Exists(path)
            ? FigureTrialReader.Read([path], cancellationToken)
            : throw new EsrInputException($"--trials '{path}': no such file or folder");
    }

    /// <summary>
    /// The model of <c>--model</c> with the SAE of <c>--sae</c> reading <c>blocks.L.resid_post</c> at <c>--layer</c>
    /// (a toy model brings both), as a <see cref="ReadoutSetup"/> steering at <paramref name="steerLayer"/> (default:
    /// the block read). The caller disposes the loaded model, which owns the readout's parts.
    /// </summary>
    /// <exception cref="EsrInputException">No <c>--layer</c> or <c>--sae</c> for a model that is not a toy model, or as <see cref="LoadedModel"/> loads.</exception>
    public static (LoadedModel Loaded, ReadoutSetup Readout) Load(OptionValues values, int? steerLayer, bool paperExtraHeader, bool paperFinalNorm)
    {
        var reference = ModelReference.Resolve(values.Text("--model"));
        var readLayer = values.OptionalInteger("--layer") ?? reference.Toy?.SaeBlock
            ?? throw new EsrInputException("--layer <L> is required: the block whose output the SAE reads");
        var sae = values.OptionalText("--sae") ?? reference.ToySaePath
            ?? throw new EsrInputException("--sae <path> is required: the SAE that is read (a toy model brings its own)");
        return Load(reference, new LoadOptions
        {
            Dtype = values.Text("--dtype"), Device = values.Text("--device"), Sae = sae,
            PaperExtraHeader = paperExtraHeader, PaperFinalNorm = paperFinalNorm,
        }, readLayer, steerLayer ?? readLayer);
    }

    /// <summary>
    /// A resolved model with the SAE of <paramref name="options"/> reading <c>blocks.L.resid_post</c> at
    /// <paramref name="readLayer"/>, as a <see cref="ReadoutSetup"/> steering at <paramref name="steerLayer"/>. The
    /// caller disposes the loaded model, which owns the readout's parts.
    /// </summary>
    /// <exception cref="EsrInputException">A block beyond the model (named as <c>--layer</c> or <c>--steer-layer</c>), or as <see cref="LoadedModel"/> loads.</exception>
    public static (LoadedModel Loaded, ReadoutSetup Readout) Load(ModelReference reference, LoadOptions options, int readLayer, int steerLayer)
    {
        var loaded = ExperimentModel.Load(reference, options with { SaeLayer = readLayer }, "--paper-final-norm", ("--layer", readLayer), ("--steer-layer", steerLayer));
        return (loaded, loaded.Readout(HookPoint.ResidPost(readLayer), HookPoint.ResidPost(steerLayer)));
    }

    /// <summary>Refuses latents the SAE does not have, naming them.</summary>
    /// <exception cref="EsrInputException">Some are outside the SAE.</exception>
    public static void RequireLatents(SparseAutoencoder sae, IEnumerable<int> latents)
    {
        var outside = latents.Where(l => l < 0 || l >= sae.LatentCount).Distinct().ToList();
        if (outside.Count > 0)
            throw new EsrInputException($"latents {string.Join(", ", outside.Take(5))}{(outside.Count > 5 ? ", ..." : "")} are outside the SAE (0 to {sae.LatentCount - 1}); pass --detectors for this SAE");
    }

    /// <summary>The folder a written file is in (a result's <see cref="ExperimentRunResult.Directory"/>).</summary>
    public static string FolderOf(string file) => Path.GetDirectoryName(Path.GetFullPath(file))!;
}
