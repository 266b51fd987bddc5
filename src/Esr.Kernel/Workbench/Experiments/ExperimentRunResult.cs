using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel;

/// <summary>
/// What a run of an experiment left: for a steering run its folder, manifest, trials, the paper's metrics over them
/// and what this start did; for a readout or regrading experiment (3a, 6, 7, 9) the files it wrote. <see cref="Report"/>
/// is the one line a front end prints.
/// </summary>
/// <param name="Experiment">The experiment id.</param>
/// <param name="Directory">The run folder, or the folder the experiment wrote into.</param>
/// <param name="Report">One line: a steering run's summary as JSON (docs/EXPERIMENTS.md lists its fields), a readout's sentence.</param>
public sealed record ExperimentRunResult(string Experiment, string Directory, string Report)
{
    /// <summary>A steering run's manifest; null for the readout experiments.</summary>
    public RunManifest? Manifest { get; init; }

    /// <summary>Every trial the run folder holds (this start's and earlier ones'); empty for the readout experiments.</summary>
    public IReadOnlyList<TrialRecord> Trials { get; init; } = [];

    /// <summary>The paper's metrics over <see cref="Trials"/> with their intervals (ESR_SPEC §2.4); null for the readout experiments.</summary>
    public EsrSummary? Summary { get; init; }

    /// <summary>What this start did: trials in the run, stored before, written, rate; null for the readout experiments.</summary>
    public RunOutcome? Outcome { get; init; }

    /// <summary>The files a readout experiment wrote; empty for the steering runs (their folder holds theirs).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>The trials as a DataFrame, one row each (<see cref="TrialFrame.Of"/>).</summary>
    public DataFrame TrialsFrame() => TrialFrame.Of(Trials);

    /// <summary>
    /// The first <paramref name="rows"/> trials with the columns a reader scans (latent, label, prompt, boost, attempts,
    /// first and last score, error): a view that fits a page, where <see cref="TrialsFrame"/> holds every column, the
    /// responses included.
    /// </summary>
    public DataFrame TrialsPreview(int rows = 10)
    {
        var all = TrialFrame.Of(Trials.Take(Math.Max(0, rows)));
        return new DataFrame(BriefColumns.Select(name => all.Columns[name]));
    }

    private static readonly string[] BriefColumns = ["latent", "latent_label", "prompt", "boost", "attempts", "first_score", "last_score", "error"];
}
