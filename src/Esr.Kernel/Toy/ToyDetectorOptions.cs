namespace Esr.Kernel.Toy;

/// <summary>Settings of the toy world's off-topic-detector discovery (<see cref="ToyDetectorDiscovery"/>).</summary>
public sealed record ToyDetectorOptions
{
    /// <summary>Which latents count as detectors (AUC ≥ 0.9, at most 26).</summary>
    public ToyDetectorRule Rule { get; init; } = new();

    /// <summary>
    /// Whether only each sentence's last token is read (where the model decides whether a marker follows) rather than
    /// every token of it.
    /// </summary>
    public bool SentenceEnds { get; init; }

    /// <summary>The world whose exact judge labels the sentences; null for the default world.</summary>
    public ToyWorld? World { get; init; }

    /// <summary>Written as <c>model_name</c>.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>Written as <c>sae</c>: the SAE read, and where.</summary>
    public string Sae { get; init; } = "";

    /// <summary>Written as <c>source_results</c>: the run whose trials were read.</summary>
    public string SourceResults { get; init; } = "";
}
