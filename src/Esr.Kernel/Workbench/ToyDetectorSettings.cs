using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>What <see cref="ToyZooTools.FindDetectors"/> reads, writes and how it decides.</summary>
public sealed record ToyDetectorSettings
{
    /// <summary>The steering-aware toy model: a model folder or a zoo name.</summary>
    public required string Model { get; init; }

    /// <summary>The folder of an experiment-1 run on it (judged or not), whose steered trials are read.</summary>
    public required string FromResults { get; init; }

    /// <summary>The detector file to write.</summary>
    public required string Out { get; init; }

    /// <summary>The SAE read; null for the model folder's own <c>sae/</c>.</summary>
    public string? Sae { get; init; }

    /// <summary>The block the SAE reads and the steering applies at; null for the block the run steered.</summary>
    public int? Layer { get; init; }

    /// <summary>Which latents are detectors.</summary>
    public ToyDetectorRule Rule { get; init; } = new();

    /// <summary>Whether only each sentence's last token is read (<see cref="ToyDetectorOptions.SentenceEnds"/>).</summary>
    public bool SentenceEnds { get; init; }

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
}
