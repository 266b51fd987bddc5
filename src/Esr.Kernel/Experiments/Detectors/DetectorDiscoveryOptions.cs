using Esr.Kernel.Generation;

namespace Esr.Kernel.Experiments.Detectors;

/// <summary>Settings of the off-topic-detector discovery (Experiment 3 part A, ESR_SPEC §7.1).</summary>
public sealed record DetectorDiscoveryOptions
{
    /// <summary>Seeds the response seeds (uniform in [0, 10⁶]), the derangement and the pair shuffle.</summary>
    public int Seed { get; init; }

    /// <summary>Generation of the unsteered responses: T 0.6, 512 tokens; set the model's repetition penalty (§1.5).</summary>
    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>Responses generated together.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>The detector rule (ε 1e-8, 80 % of shuffled samples).</summary>
    public DetectorRule Rule { get; init; } = new();

    /// <summary>The latents considered; null for every latent of the SAE (a full encode per token).</summary>
    public IReadOnlyList<int>? Latents { get; init; }

    /// <summary>Written as <c>model_name</c>.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>Written as <c>prompts_file</c>.</summary>
    public string PromptsFile { get; init; } = "";
}
