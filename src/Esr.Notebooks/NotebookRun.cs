namespace Esr.Notebooks;

/// <summary>What running one notebook produced.</summary>
/// <param name="NotebookPath">The notebook as given.</param>
/// <param name="OutputPath">The executed notebook written.</param>
/// <param name="HtmlPath">Its static page, when one was asked for.</param>
/// <param name="Duration">From the kernel's start to the last cell's end.</param>
/// <param name="Failure">The failed cell, or null when every cell ran.</param>
public sealed record NotebookRun(string NotebookPath, string OutputPath, string? HtmlPath, TimeSpan Duration, CellFailure? Failure)
{
    /// <summary>True when every cell ran without error.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>The one line that reports the failure: the notebook, the cell and the error's first line.</summary>
    public string? FailureLine => Failure is null ? null
        : Failure.TimedOut ? $"{NotebookPath}: {Failure.Cell} {Failure.FirstLine}"
        : $"{NotebookPath}: {Failure.Cell} failed: {Failure.FirstLine}";
}
