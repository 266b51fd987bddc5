using Esr.Kernel.Interventions;

namespace Esr.Kernel.Toy;

/// <summary>
/// One training sequence: token ids, which target tokens count in the loss (a masked off-topic span is false), and
/// optionally the steering active in the forward pass while the model learns from it.
/// </summary>
/// <param name="Ids">Token ids, first to last.</param>
/// <param name="LossMask">Per token: whether predicting it counts in the loss; same length as <paramref name="Ids"/>.</param>
/// <param name="Steering">Interventions applied at the trainer's steering hook point for this row, or null.</param>
/// <param name="OffTopic">
/// Per token, what the answer's text there is for the prompt: true off topic, false on task, null neither (prompt,
/// headers, markers); what a <see cref="DetectorActivity"/> objective reads. Null for a row it must not read.
/// </param>
public sealed record TrainingSequence(int[] Ids, bool[] LossMask, IReadOnlyList<Intervention>? Steering = null, bool?[]? OffTopic = null);
