using Esr.Kernel.Hooks;
using Esr.Kernel.Models;

namespace Esr.Kernel.Experiments;

/// <summary>
/// One of the paper's five model + SAE set-ups (ESR_SPEC §1.1, §1.5, §4), as data. Blocks are 0-based decoder
/// blocks: steering at <c>blocks.{SteeringBlock}.{SaeSite}</c>, readouts at <c>blocks.{ReadoutBlock}.{SaeSite}</c>.
/// </summary>
/// <param name="ShortName">The name it is looked up by, e.g. "gemma-2-2b".</param>
/// <param name="PaperName">The model's name in the paper.</param>
/// <param name="EngineKey">The key the original code used; its text after the last "/" names the threshold cache.</param>
/// <param name="ModelRepo">Hugging Face repository of the model weights.</param>
/// <param name="DModel">Residual width.</param>
/// <param name="Blocks">Decoder blocks.</param>
/// <param name="SaeRepo">Hugging Face repository holding the SAE.</param>
/// <param name="SaeFile">The SAE's file inside <paramref name="SaeRepo"/>.</param>
/// <param name="SaeWidth">Latents.</param>
/// <param name="SteeringBlock">Block whose output is steered.</param>
/// <param name="ReadoutBlock">Block whose output the SAE reads (the block the SAE was trained on).</param>
/// <param name="RepetitionPenalty">The shipped code's penalty for this model (the paper's text says 1.1 for all).</param>
/// <param name="Calibration">Exp-1 threshold-search settings.</param>
/// <param name="NeuronpediaId">"model/sae" on Neuronpedia, null where the SAE is not there.</param>
public sealed record PaperConfiguration(
    string ShortName,
    string PaperName,
    string EngineKey,
    string ModelRepo,
    int DModel,
    int Blocks,
    string SaeRepo,
    string SaeFile,
    int SaeWidth,
    int SteeringBlock,
    int ReadoutBlock,
    double RepetitionPenalty,
    ThresholdSearchSettings Calibration,
    string? NeuronpediaId)
{
    /// <summary>
    /// The hook site the SAE encodes at, for readouts and for clamps and ablations. <b>[QUIRK, ESR_SPEC §1.3]</b> The
    /// paper's vLLM fork encoded the Gemma-2 MLP branch output (<see cref="HookPoint.MlpOut"/>), not the residual
    /// stream, so the Gemma configurations default to that site to reproduce the paper's readouts, relevance filter and
    /// clamps; the Llama ones use <see cref="HookPoint.ResidualPost"/>, as the fork did. Add-mode steering is the same at
    /// either site (the branch output is added to the residual stream), up to float rounding.
    /// <see cref="OnResidualStream"/> gives the clean variant.
    /// </summary>
    public string SaeSite { get; init; } = HookPoint.ResidualPost;

    /// <summary>
    /// <b>[QUIRK, ESR_SPEC §1.3, §11 quirk 6]</b> Whether the paper's engine fed the final norm the last block's output
    /// plus its post-attention residual again (<see cref="CausalLanguageModel.PaperFinalNorm"/>): true for the Llama
    /// configurations, whose fork blocks return the whole residual stream; false for Gemma-2, whose fork kept the
    /// standard sum.
    /// </summary>
    public bool PaperFinalNorm { get; init; }

    /// <summary>
    /// The data folder's file holding Exp 10's random ablation sets exactly as the paper drew them (Python's
    /// <c>random.seed(42 + i)</c> and <c>random.sample</c>), null where the paper ran no Exp 10 on this model.
    /// </summary>
    public string? RandomAblationSetsFile { get; init; }

    /// <summary>The hook point steered (adds, clamps and ablations).</summary>
    public HookPoint SteeringHook => new(SteeringBlock, SaeSite);

    /// <summary>The hook point read by the SAE.</summary>
    public HookPoint ReadoutHook => new(ReadoutBlock, SaeSite);

    /// <summary>This configuration with the SAE on the true residual stream (the clean port of the Gemma quirk).</summary>
    public PaperConfiguration OnResidualStream() => this with { SaeSite = HookPoint.ResidualPost };

    /// <summary>The local snapshot of <see cref="ModelRepo"/> in the Hugging Face cache.</summary>
    /// <exception cref="DirectoryNotFoundException">Not downloaded; the message names the path expected.</exception>
    public string ModelDirectory(string? hfHome = null) => HuggingFaceCache.SnapshotDirectory(ModelRepo, hfHome);

    /// <summary>The local SAE file in the Hugging Face cache.</summary>
    /// <exception cref="DirectoryNotFoundException">The SAE repository is not downloaded.</exception>
    /// <exception cref="FileNotFoundException">The snapshot lacks <see cref="SaeFile"/>; the message names the path expected.</exception>
    public string SaePath(string? hfHome = null)
    {
        var path = Path.Combine(HuggingFaceCache.SnapshotDirectory(SaeRepo, hfHome), SaeFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{SaeRepo}: expected the SAE file {path}.", path);
        return path;
    }

    /// <summary>The Neuronpedia page of a latent, null where the SAE has no Neuronpedia id.</summary>
    public Uri? NeuronpediaLink(int latent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(latent);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(latent, SaeWidth);
        return NeuronpediaId is null ? null : new Uri($"https://www.neuronpedia.org/{NeuronpediaId}/{latent}");
    }
}

/// <summary>The paper's configurations, looked up by short name.</summary>
public static class PaperConfigurations
{
    /// <summary>Llama-3.3-70B-Instruct with Goodfire's layer-50 SAE, steered at block 33.</summary>
    public static PaperConfiguration Llama70B { get; } = new(
        "llama-3.3-70b", "Llama-3.3-70B-Instruct", "meta-llama/Meta-Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct",
        8192, 80, "Goodfire/Llama-3.3-70B-Instruct-SAE-l50", "Llama-3.3-70B-Instruct-SAE-l50.pt", 65_536,
        SteeringBlock: 33, ReadoutBlock: 50, RepetitionPenalty: 1.2, ThresholdSearchSettings.Llama70B, "llama3.3-70b-it/50-resid-post-gf")
    {
        PaperFinalNorm = true,
        RandomAblationSetsFile = "random_control_sets.json",
    };

    /// <summary>Llama-3.1-8B-Instruct as the shipped (fork) configuration ran it: steered at block 12, read at 19.</summary>
    public static PaperConfiguration Llama8B { get; } = new(
        "llama-3.1-8b", "Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct",
        4096, 32, "Goodfire/Llama-3.1-8B-Instruct-SAE-l19", "Llama-3.1-8B-Instruct-SAE-l19.pth", 65_536,
        SteeringBlock: 12, ReadoutBlock: 19, RepetitionPenalty: 1.15, ThresholdSearchSettings.Llama8B, "llama3.1-8b-it/19-resid-post-gf")
    {
        PaperFinalNorm = true,
    };

    /// <summary>Llama-3.1-8B-Instruct as the paper's Table 1 states it: steered at block 19.</summary>
    public static PaperConfiguration Llama8BPaperLayer { get; } = Llama8B with { ShortName = "llama-3.1-8b-l19", SteeringBlock = 19 };

    /// <summary>Gemma-2-2B-it with GemmaScope's PT layer-16 16k SAE (canonical = average_l0_78).</summary>
    public static PaperConfiguration Gemma2B { get; } = new(
        "gemma-2-2b", "Gemma-2-2B-it", "google/gemma-2-2b-it-res-16k-layer-16", "google/gemma-2-2b-it",
        2304, 26, "google/gemma-scope-2b-pt-res", "layer_16/width_16k/average_l0_78/params.npz", 16_384,
        SteeringBlock: 16, ReadoutBlock: 16, RepetitionPenalty: 1.1, ThresholdSearchSettings.Gemma2B, "gemma-2-2b/16-gemmascope-res-16k")
    {
        SaeSite = HookPoint.MlpOut,
    };

    /// <summary>Gemma-2-9B-it with GemmaScope's PT layer-26 16k SAE (canonical = average_l0_116).</summary>
    public static PaperConfiguration Gemma9B { get; } = new(
        "gemma-2-9b", "Gemma-2-9B-it", "google/gemma-2-9b-res-16k-layer-26", "google/gemma-2-9b-it",
        3584, 42, "google/gemma-scope-9b-pt-res", "layer_26/width_16k/average_l0_116/params.npz", 16_384,
        SteeringBlock: 26, ReadoutBlock: 26, RepetitionPenalty: 1.1, ThresholdSearchSettings.Gemma9B, "gemma-2-9b/26-gemmascope-res-16k")
    {
        SaeSite = HookPoint.MlpOut,
    };

    /// <summary>
    /// Gemma-2-27B-it with GemmaScope's PT layer-22 131k SAE. Which folder is "canonical" (average_l0_82 or _118) is
    /// unverified (ESR_SPEC §1.1); average_l0_82 is assumed: override <see cref="PaperConfiguration.SaeFile"/> with
    /// <c>with</c> if SAELens says otherwise.
    /// </summary>
    public static PaperConfiguration Gemma27B { get; } = new(
        "gemma-2-27b", "Gemma-2-27B-it", "google/gemma-2-27b-it-res-131k-layer-22", "google/gemma-2-27b-it",
        4608, 46, "google/gemma-scope-27b-pt-res", "layer_22/width_131k/average_l0_82/params.npz", 131_072,
        SteeringBlock: 22, ReadoutBlock: 22, RepetitionPenalty: 1.1, ThresholdSearchSettings.Gemma27B, "gemma-2-27b/22-gemmascope-res-131k")
    {
        SaeSite = HookPoint.MlpOut,
    };

    /// <summary>All configurations, the paper's five plus the second Llama-3.1-8B steering block.</summary>
    public static IReadOnlyList<PaperConfiguration> All { get; } = [Llama70B, Llama8B, Llama8BPaperLayer, Gemma2B, Gemma9B, Gemma27B];

    /// <summary>The configuration of a short name (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">Unknown name; the message lists the known ones.</exception>
    public static PaperConfiguration Get(string shortName) =>
        All.FirstOrDefault(c => string.Equals(c.ShortName, shortName, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No paper configuration is named '{shortName}'; known: {string.Join(", ", All.Select(c => c.ShortName))}.");
}
