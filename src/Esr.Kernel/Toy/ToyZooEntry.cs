using Esr.Kernel.Saes.Training;

namespace Esr.Kernel.Toy;

/// <summary>One model of the toy zoo, as zoo.json lists it.</summary>
/// <param name="Name">Folder name under the zoo, e.g. "toy-m-sc30".</param>
/// <param name="Size">The size's name.</param>
/// <param name="Parameters">Trainable parameters (tied embedding counted once).</param>
/// <param name="Ratio">Self-correction mixing ratio of its fine-tune (0 for a base model).</param>
/// <param name="SteeringAware">Whether its self-correction episodes were generated and trained under steering.</param>
/// <param name="BaseModel">The base model it was fine-tuned from (itself for a base model).</param>
/// <param name="SaeBlock">The block whose resid_post its SAE reads.</param>
/// <param name="Sae">The SAE's reconstruction on held-out tokens of the base model.</param>
/// <param name="MedianResidualNorm">Median ‖x‖ at the SAE block on the base model (the unit of boosts).</param>
/// <param name="SubjectLatents">Per subject name, the latent steered for it: the strongest and most selective on its sentences (<see cref="LatentMass.BestLatents"/>).</param>
/// <param name="FinalLoss">The training loss logged last.</param>
/// <param name="TrainingSeconds">Wall time spent training it (not its base).</param>
public sealed record ToyZooEntry(
    string Name, string Size, long Parameters, double Ratio, bool SteeringAware, string BaseModel, int SaeBlock,
    SaeStatistics Sae, double MedianResidualNorm, IReadOnlyDictionary<string, int> SubjectLatents, double FinalLoss,
    double TrainingSeconds);
