using Esr.Kernel.Experiments.Runs;

namespace Esr.Kernel;

/// <summary>
/// The paper's experiments by id (<see cref="Workbench.Experiments"/>): the steering runs of
/// <see cref="SteeringProtocols"/> and the readout and regrading experiments. Adding an experiment is its
/// definition file and its line here (a steering run's line is in <see cref="SteeringProtocols.All"/>).
/// </summary>
public sealed class ExperimentCatalog
{
    private ExperimentCatalog(IEnumerable<ExperimentDefinition> definitions) =>
        All = definitions.OrderBy(d => PaperNumber(d.Id)).ThenBy(d => d.Id, StringComparer.Ordinal).ToArray();

    /// <summary>The catalog of every experiment this workbench runs.</summary>
    public static ExperimentCatalog Default { get; } = new(
    [
        .. SteeringProtocols.All.Select(protocol => new SteeringRunDefinition(protocol)),
        new DetectorDiscoveryDefinition(),
        new SequentialActivationsDefinition(),
        new CrossJudgeDefinition(),
        new EpisodesDefinition(),
    ]);

    /// <summary>Every experiment, by id in the paper's order (1, 2, 3, 3a, 4, ..., 10).</summary>
    public IReadOnlyList<ExperimentDefinition> All { get; }

    /// <summary>The experiment of an id.</summary>
    /// <exception cref="EsrInputException">No experiment has that id; the message lists the ids.</exception>
    public ExperimentDefinition Get(string id) =>
        All.FirstOrDefault(definition => definition.Id == id)
        ?? throw new EsrInputException($"no experiment '{id}' (expected one of {string.Join(", ", All.Select(d => d.Id))})");

    // "3a" is part A of experiment 3: it sorts by its number.
    private static int PaperNumber(string id) => int.Parse(string.Concat(id.TakeWhile(char.IsAsciiDigit)), System.Globalization.CultureInfo.InvariantCulture);
}
