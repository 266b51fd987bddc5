namespace Esr.Kernel.Experiments.Runs;

/// <summary>The steering experiments the run engine knows, by id: add a protocol here to add one.</summary>
public static class SteeringProtocols
{
    /// <summary>Every steering experiment, in the paper's order.</summary>
    public static IReadOnlyList<SteeringProtocol> All { get; } =
    [
        new AcrossModelsProtocol(),
        new BoostSweepProtocol(),
        new DetectorAblationProtocol(),
        new FineTunedModelProtocol(),
        new MetaPromptProtocol(),
        new NoSteeringProtocol(),
        new RandomAblationProtocol(),
    ];

    /// <summary>The protocol of an experiment id.</summary>
    /// <exception cref="ArgumentException">No steering experiment has that id; the message lists the ids.</exception>
    public static SteeringProtocol Get(string experiment) =>
        All.FirstOrDefault(protocol => protocol.Id == experiment)
        ?? throw new ArgumentException($"experiment '{experiment}' is not a steering run (expected {string.Join(", ", All.Select(p => p.Id))})");
}
