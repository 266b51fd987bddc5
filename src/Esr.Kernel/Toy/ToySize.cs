using Esr.Kernel.Models;
using Esr.Kernel.Training;

namespace Esr.Kernel.Toy;

/// <summary>One model size of the toy zoo and how its base model and SAE are trained.</summary>
/// <param name="Name">Short name, e.g. "s", "m", "l".</param>
/// <param name="Layers">Decoder blocks.</param>
/// <param name="Hidden">d_model.</param>
/// <param name="Heads">Attention heads (head_dim = d_model / heads).</param>
/// <param name="FeedForward">Width of the gated MLP.</param>
/// <param name="SaeBlock">The block whose resid_post the SAE reads.</param>
/// <param name="SaeLatents">SAE width.</param>
/// <param name="SteeredDriftSteps">The steered-drift stage's steps for this size, where not the stage's own (<see cref="ToySteeredDrift.Training"/>).</param>
/// <param name="FineTuneSteps">The steps of this size's fine-tunes, where not the recipe's (<see cref="ToyZooSettings.FineTune"/>).</param>
public sealed record ToySize(
    string Name, int Layers, int Hidden, int Heads, int FeedForward, int SaeBlock, int SaeLatents, int? SteeredDriftSteps = null, int? FineTuneSteps = null)
{
    /// <summary>The schedule of this size's steered-drift stage.</summary>
    public TrainingSettings SteeredDriftTraining(ToySteeredDrift stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return SteeredDriftSteps is { } steps ? stage.Training with { Steps = steps } : stage.Training;
    }

    /// <summary>The schedule of this size's fine-tunes, given the recipe's.</summary>
    public TrainingSettings FineTuneTraining(TrainingSettings fineTune)
    {
        ArgumentNullException.ThrowIfNull(fineTune);
        return FineTuneSteps is { } steps ? fineTune with { Steps = steps } : fineTune;
    }

    /// <summary>The Llama configuration of this size for a vocabulary.</summary>
    public ModelConfig Config(int vocabulary) => new()
    {
        Architecture = ModelArchitecture.Llama,
        VocabularySize = vocabulary,
        HiddenSize = Hidden,
        IntermediateSize = FeedForward,
        LayerCount = Layers,
        HeadCount = Heads,
        KeyValueHeadCount = Heads,
        HeadDimension = Hidden / Heads,
        RmsNormEpsilon = 1e-5,
        RopeTheta = 10000,
        TieWordEmbeddings = true,
        MaxPositionEmbeddings = 256,
        SlidingLayers = new bool[Layers],
    };
}
