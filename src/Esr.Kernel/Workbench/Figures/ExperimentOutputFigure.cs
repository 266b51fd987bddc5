using Plotly.NET;

namespace Esr.Kernel;

/// <summary>
/// A figure drawn from one file a readout experiment writes: named itself (<see cref="FigureInput.ExperimentFile"/>),
/// or found in the experiment's output folder (<see cref="FigureInput.ExperimentOutputFolder"/>).
/// </summary>
/// <param name="id">The figure's id.</param>
/// <param name="title">What it shows and what its results are.</param>
/// <param name="input">How the request's one result names the file.</param>
/// <param name="experiment">The experiment that writes the file ("6", "7", "9").</param>
/// <param name="fileName">The file's name as the experiment writes it.</param>
/// <param name="chart">Reads the file and draws it.</param>
public sealed class ExperimentOutputFigure(string id, string title, FigureInput input, string experiment, string fileName, Func<string, GenericChart> chart)
    : FigureDefinition(id, title, FigureRequestFields.Results)
{
    /// <inheritdoc/>
    public override FigureInput Input { get; } = input is FigureInput.ExperimentFile or FigureInput.ExperimentOutputFolder ? input
        : throw new ArgumentOutOfRangeException(nameof(input), input, "an experiment's file or output folder");

    /// <summary>The experiment that writes the file.</summary>
    public string Experiment { get; } = experiment;

    /// <summary>The file's name as the experiment writes it.</summary>
    public string FileName { get; } = fileName;

    /// <inheritdoc/>
    public override GenericChart Draw(FigureRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string file = ResultFile(request.Results);
        cancellationToken.ThrowIfCancellationRequested();
        return InputErrors.Convert(() => chart(file));
    }

    // The one result: the file itself, or for an output folder the file inside it.
    private string ResultFile(IReadOnlyList<string> paths)
    {
        bool folder = Input == FigureInput.ExperimentOutputFolder;
        if (paths.Count != 1)
            throw new EsrInputException($"figure {Id} takes one --results {(folder ? $"folder, experiment {Experiment}'s output" : $"file, experiment {Experiment}'s JSON")}; got {paths.Count}");
        string path = folder && Directory.Exists(paths[0]) ? Path.Combine(paths[0], FileName) : paths[0];
        if (File.Exists(path)) return path;
        throw new EsrInputException(folder
            ? $"--results '{paths[0]}': no {FileName} (figure {Id} reads experiment {Experiment}'s output)"
            : $"--results '{paths[0]}': no such file (figure {Id} reads experiment {Experiment}'s {FileName})");
    }
}
