namespace Esr.Kernel;

/// <summary>What <see cref="ToyZooTools.MeasureAsync"/> measures and how.</summary>
public sealed record ToyMeasureSettings
{
    /// <summary>The zoo folder; null for the one <see cref="ToyZooTools.List"/> finds.</summary>
    public string? Zoo { get; init; }

    /// <summary>The models to measure; empty for all.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Task prompts per boost.</summary>
    public int Prompts { get; init; } = 48;

    /// <summary>Boosts to measure besides 0 and the calibrated threshold, in median residual norms.</summary>
    public IReadOnlyList<double> Boosts { get; init; } = [];

    /// <summary>Sampling temperature of the answers.</summary>
    public double Temperature { get; init; } = 0.3;

    /// <summary>New tokens per answer (room for a restart and a second attempt).</summary>
    public int MaxTokens { get; init; } = 160;

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
}
