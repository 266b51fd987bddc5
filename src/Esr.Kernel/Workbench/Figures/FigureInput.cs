namespace Esr.Kernel;

/// <summary>What a figure's <see cref="FigureRequest.Results"/> name.</summary>
public enum FigureInput
{
    /// <summary>Trial results: run folders or their <c>trials.jsonl</c>, paper result files, folders holding them.</summary>
    Trials,

    /// <summary>The one file an experiment writes, named itself (Figure 6: experiment 6's JSON).</summary>
    ExperimentFile,

    /// <summary>An experiment's output folder, or the file the figure reads from it (experiments 7 and 9).</summary>
    ExperimentOutputFolder,
}
