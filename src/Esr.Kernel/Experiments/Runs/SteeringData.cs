using Esr.Kernel.Experiments.Detectors;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>What a steering experiment may read besides its settings (<see cref="SteeringProtocol.WithData"/>).</summary>
/// <param name="DataDirectory">The data folder (prompts.txt, meta_prompts.json, the detector lists, random_control_sets.json).</param>
/// <param name="Paper">The paper configuration of the model, null for a model directory.</param>
/// <param name="Detectors">The detectors given on the command line (<c>--ablate</c>), null when not given.</param>
/// <param name="Variants">The meta-prompt variant ids given (<c>--variants</c>), comma-separated; null for all.</param>
public sealed record SteeringData(string DataDirectory, PaperConfiguration? Paper, IReadOnlyList<int>? Detectors, string? Variants)
{
    /// <summary>The data folder's detector list, used when neither <c>--ablate</c> nor the config names detectors.</summary>
    public const string PaperDetectorsFile = "off_topic_detectors_paper26.json";

    /// <summary>The detectors to ablate: the given ones, else the configured ones, else the data folder's paper set.</summary>
    /// <exception cref="InvalidDataException">The data folder's list is malformed.</exception>
    public IReadOnlyList<int> DetectorsFor(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Detectors ?? (settings.AblateLatents.Count > 0 ? settings.AblateLatents : OffTopicDetectorSets.Read(Path.Combine(DataDirectory, PaperDetectorsFile)));
    }
}
