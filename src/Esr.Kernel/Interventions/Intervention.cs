namespace Esr.Kernel.Interventions;

/// <summary>
/// One edit of the activation at a hook point, as data (ESR_SPEC §1.3): <see cref="AddLatent"/>,
/// <see cref="ClampLatent"/>, <see cref="AblateLatents"/> or <see cref="AddVector"/>. A list of them is applied by
/// <see cref="InterventionHook"/>.
/// </summary>
public abstract record Intervention;
