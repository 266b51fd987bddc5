using System.Diagnostics;
using System.Globalization;
using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;

namespace Esr.Notebooks;

/// <summary>
/// Runs .ipynb notebooks headlessly, each in a fresh in-process kernel, cell by cell from the top: the first cell
/// that fails (or runs past the timeout) stops its notebook, and the later cells do not run. The executed notebook
/// is written with its outputs in place and papermill's timing and status metadata on every cell.
/// </summary>
public sealed class NotebookRunner(NotebookRunOptions options)
{
    // How long a cancelled cell is given to stop before the runner stops waiting for it.
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Reads the notebooks and injects the parameters, so that input errors surface before anything runs: a file
    /// that is not a notebook, a parameter that does not fit one, or two notebooks that would be written to one file
    /// (or a notebook over itself).
    /// </summary>
    /// <exception cref="EsrInputException">One of those, naming the notebook, parameter or folder.</exception>
    public IReadOnlyList<PreparedNotebook> Prepare(IReadOnlyList<string> paths)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var target = Path.GetFullPath(OutputPathOf(path));
            if (target == Path.GetFullPath(path))
                throw new EsrInputException($"output folder '{options.OutputFolder}' holds {path} itself: the executed notebook would replace it; choose another folder");
            if (!targets.TryAdd(target, path))
                throw new EsrInputException($"{targets[target]} and {path} would both be written to {target}; run them with different output folders");
        }
        return [.. paths.Select(Prepare)];
    }

    /// <summary>Reads one notebook and injects the parameters (see <see cref="Prepare(IReadOnlyList{string})"/>).</summary>
    public PreparedNotebook Prepare(string path)
    {
        var document = NotebookFile.Read(path);
        var names = new Dictionary<InteractiveDocumentElement, string>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < document.Elements.Count; i++) names[document.Elements[i]] = CellName(i + 1, document.Elements[i].Contents);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in options.Parameters)
        {
            if (!values.TryAdd(name, value)) throw new EsrInputException($"-p {name} is given twice");
        }
        NotebookParameters.Inject(document, values, path);
        foreach (var cell in document.Elements.Where(cell => !names.ContainsKey(cell))) names[cell] = $"{NotebookParameters.InjectedTag} cell";
        return new PreparedNotebook(path, document, names);
    }

    /// <summary>Where the executed notebook of <paramref name="notebookPath"/> is written: the output folder, same file name.</summary>
    public string OutputPathOf(string notebookPath) => Path.Combine(options.OutputFolder, Path.GetFileName(notebookPath));

    /// <summary>Runs a prepared notebook and writes the executed notebook (and its page) into the output folder.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the notebook is not written).</exception>
    public async Task<NotebookRun> RunAsync(PreparedNotebook notebook, CancellationToken cancellationToken = default)
    {
        var document = notebook.Document;
        var codeCells = document.Elements.Where(cell => cell.KernelName != NotebookFile.MarkdownKernelName).ToArray();
        foreach (var cell in codeCells)
        {
            cell.Outputs.Clear();
            cell.ExecutionOrder = 0;
            PapermillRecord(cell)["status"] = "pending";
        }

        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } timeout) deadline.CancelAfter(timeout);
        var kernel = await NotebookKernel.CreateAsync(options.Extensions);
        // Cells run in the notebook's folder, as VS Code's Polyglot host runs them, so a relative path in a cell means
        // the same file under both hosts; the caller's folder is back before the outputs are written.
        var callerDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!);
        var recorder = new OutputRecorder();
        var subscription = kernel.KernelEvents.Subscribe(recorder.Record);
        CellFailure? failure = null;
        var abandoned = false;
        try
        {
            var executionCount = 0;
            foreach (var cell in codeCells)
            {
                cell.ExecutionOrder = ++executionCount;
                var cellStarted = DateTimeOffset.UtcNow;
                var cellWatch = Stopwatch.StartNew();
                recorder.BeginCell(cell.Outputs, executionCount);
                // SendAsync may block its caller while the kernel is busy: keep the runner's thread free to time out.
                var submission = Task.Run(() => kernel.SendAsync(new SubmitCode(cell.Contents, cell.KernelName)), CancellationToken.None);
                string? error;
                var timedOut = false;
                try
                {
                    // The last event answers the cell's own command; earlier ones may answer the commands it split into.
                    var failed = (await submission.WaitAsync(deadline.Token)).Events.LastOrDefault() as CommandFailed;
                    error = failed?.Message;
                    if (failed is not null) recorder.AddError(ErrorName(failed), failed.Message);
                }
                catch (OperationCanceledException) when (!submission.IsCompletedSuccessfully)
                {
                    abandoned = !await CancelAsync(kernel, submission);
                    cancellationToken.ThrowIfCancellationRequested();
                    timedOut = true;
                    var limit = options.Timeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                    error = $"ran past the {limit} s timeout and was cancelled";
                    recorder.AddError("TimeoutException", $"The notebook ran past its {limit} s timeout in this cell, which was cancelled.");
                }
                recorder.EndCell();
                Finish(PapermillRecord(cell), cellStarted, cellWatch.Elapsed, error);
                if (error is null) continue;
                failure = new CellFailure(notebook.CellNames[cell], error, timedOut);
                break;
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(callerDirectory);
            subscription.Dispose();
            // A cell that ignores cancellation still holds the kernel; it is left to end on its own.
            if (abandoned) _ = Task.Run(kernel.Dispose, CancellationToken.None);
            else kernel.Dispose();
        }

        var run = PapermillRecord(document.Metadata);
        run["parameters"] = options.Parameters.ToDictionary(pair => pair.Key, pair => (object)pair.Value);
        Finish(run, started, watch.Elapsed, failure is null ? null : $"{failure.Cell}: {failure.FirstLine}");
        var outputPath = OutputPathOf(notebook.Path);
        NotebookFile.Write(document, outputPath);
        string? htmlPath = null;
        if (options.Html)
        {
            htmlPath = Path.ChangeExtension(outputPath, ".html");
            AtomicFile.WriteAllText(htmlPath, NotebookPage.Render(document, notebook.Path, failure));
        }
        return new NotebookRun(notebook.Path, outputPath, htmlPath, watch.Elapsed, failure);
    }

    // Asks the kernel to cancel the running cell; true if the cell stopped within the grace period.
    private static async Task<bool> CancelAsync(CompositeKernel kernel, Task submission)
    {
        _ = Task.Run(() => kernel.SendAsync(new Cancel()), CancellationToken.None);
        return await Task.WhenAny(submission, Task.Delay(CancelGrace, CancellationToken.None)) == submission;
    }

    // papermill's metadata: start and end times, duration in seconds, status, and whether it failed (plus the error).
    private static void Finish(IDictionary<string, object> metadata, DateTimeOffset started, TimeSpan duration, string? error)
    {
        metadata["start_time"] = started.ToString("o", CultureInfo.InvariantCulture);
        metadata["end_time"] = (started + duration).ToString("o", CultureInfo.InvariantCulture);
        metadata["duration"] = Math.Round(duration.TotalSeconds, 3);
        metadata["status"] = error is null ? "completed" : "failed";
        metadata["exception"] = error is not null;
        if (error is not null) metadata["error"] = error;
    }

    private static IDictionary<string, object> PapermillRecord(InteractiveDocumentElement cell) => PapermillRecord(cell.Metadata ??= new Dictionary<string, object>());

    private static IDictionary<string, object> PapermillRecord(IDictionary<string, object> metadata)
    {
        if (metadata.TryGetValue("papermill", out var existing) && existing is IDictionary<string, object> dictionary) return dictionary;
        var created = new Dictionary<string, object>();
        metadata["papermill"] = created;
        return created;
    }

    private static string ErrorName(CommandFailed failed) => failed.Exception?.GetType().Name ?? "Error";

    private static string CellName(int number, string contents)
    {
        var first = contents.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0) ?? "";
        return first.Length == 0 ? $"cell {number}" : $"cell {number} (\"{(first.Length > 48 ? first[..47] + "…" : first)}\")";
    }
}
