using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Options;

namespace Esr.Kernel;

/// <summary>
/// One experiment of the paper as the facade offers it: its id, title and description, the options it takes (as data,
/// from which the CLI and the magics build their parsers), the figures it feeds, and a run. <see cref="ExperimentCatalog"/>
/// lists them; a front end parses, calls <see cref="RunAsync(OptionValues, IProgress{RunProgress}?, CancellationToken)"/>
/// and presents the result.
/// </summary>
public abstract class ExperimentDefinition
{
    /// <summary>The id, e.g. "1", "3a" or "10" (<c>esr experiment &lt;id&gt;</c>).</summary>
    public abstract string Id { get; }

    /// <summary>A short title, e.g. "Boost sweep".</summary>
    public abstract string Title { get; }

    /// <summary>One line on what it does.</summary>
    public abstract string Description { get; }

    /// <summary>The options it takes, in the order help lists them.</summary>
    public abstract IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>The paper figures its results feed (<c>esr figure</c> ids).</summary>
    public abstract IReadOnlyList<string> Figures { get; }

    /// <summary>
    /// Runs the experiment (a steering run resumes what its folder already holds). A bad input, a folder of another
    /// run or settings no generation would take is an <see cref="EsrInputException"/> whose message names it.
    /// </summary>
    /// <param name="values">The option values, checked against <see cref="Options"/>.</param>
    /// <param name="progress">Receives the steering runs' progress (trials done of total, rate, ETA, phase); the readout experiments report none.</param>
    /// <param name="cancellationToken">Stops the run; a steering run keeps the trials it stored and resumes on the next start.</param>
    /// <exception cref="EsrInputException">Bad input.</exception>
    /// <exception cref="IOException">Another writer is using the run folder.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<ExperimentRunResult> RunAsync(OptionValues values, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!values.Specs.SequenceEqual(Options)) throw new ArgumentException($"the values are not for experiment {Id}'s options", nameof(values));
        try
        {
            return await RunCheckedAsync(values, progress, cancellationToken).ConfigureAwait(false);
        }
        // What the run engine's layers throw for bad inputs (a source without a threshold, a manifest of another run, a
        // missing data file) is bad input here too: one exception type for the front ends.
        catch (Exception error) when (error is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or FormatException)
        {
            var message = error is ArgumentException { ParamName: { } name } ? error.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : error.Message;
            throw new EsrInputException(message, error);
        }
    }

    /// <summary>Runs the experiment with command-line tokens, e.g. <c>["--model", "toy-s-sa60", "--judge", "toy"]</c>.</summary>
    /// <exception cref="EsrInputException">A token is not one of <see cref="Options"/> or its value is bad, or as for the other overload.</exception>
    public Task<ExperimentRunResult> RunAsync(IEnumerable<string> tokens, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(OptionValues.Parse(Options, tokens), progress, cancellationToken);

    /// <summary>The run itself, with values already checked against <see cref="Options"/>.</summary>
    protected abstract Task<ExperimentRunResult> RunCheckedAsync(OptionValues values, IProgress<RunProgress>? progress, CancellationToken cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"experiment {Id}: {Title}";
}
