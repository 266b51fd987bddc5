using Esr.Kernel.Hooks;

namespace Esr.Kernel;

/// <summary>The model side of a <see cref="Completion"/>'s settings: what generated it, as records and <see cref="Completion.ToJson"/> give it.</summary>
/// <param name="Model">The model as it was named to <see cref="Workbench.Load"/>.</param>
/// <param name="Dtype">"float32" or "bfloat16".</param>
/// <param name="Device">"cpu", "cuda" or "cuda:N".</param>
/// <param name="Quirks">The paper quirks it ran with.</param>
/// <param name="StopTokenIds">The tokens that end a generation, ascending.</param>
/// <param name="SaePath">The SAE the steering's interventions acted through (<see cref="AttachedSae.Path"/>), or null when there were none.</param>
/// <param name="SaePoint">Where those interventions acted, or null.</param>
public sealed record ModelSettings(
    string Model, string Dtype, string Device, ModelQuirks Quirks, IReadOnlyList<int> StopTokenIds, string? SaePath, HookPoint? SaePoint);
