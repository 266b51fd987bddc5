using Esr.Kernel.Experiments.Detectors;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>What a steering experiment may read besides its settings (<see cref="SteeringProtocol.WithData"/>).</summary>
/// <param name="DataDirectory">The data folder (prompts.txt, meta_prompts.json, the detector lists, random_control_sets.json).</param>
/// <param name="Paper">The paper configuration of the model, null for a model directory.</param>
/// <param name="Ablate">The <c>--ablate</c> value (detector latents or a detector file), null when not given.</param>
/// <param name="Variants">The <c>--variants</c> value: a file of meta-prompt variants, or comma-separated variant ids; null for all.</param>
public sealed record SteeringData(string DataDirectory, PaperConfiguration? Paper, string? Ablate, string? Variants)
{
    /// <summary>The data folder's detector list, used when neither <c>--ablate</c> nor the config names detectors.</summary>
    public const string PaperDetectorsFile = "off_topic_detectors_paper26.json";

    /// <summary>The detectors to ablate: <see cref="Ablate"/>'s, else the configured ones, else the data folder's paper set.</summary>
    /// <exception cref="EsrInputException">--ablate is neither a detector file nor a latent list.</exception>
    /// <exception cref="InvalidDataException">A detector file is malformed.</exception>
    public IReadOnlyList<int> DetectorsFor(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Ablate is not null) return OffTopicDetectorSets.ReadOrParse("--ablate", Ablate);
        return settings.AblateLatents.Count > 0 ? settings.AblateLatents : OffTopicDetectorSets.Read(Path.Combine(DataDirectory, PaperDetectorsFile));
    }
}
