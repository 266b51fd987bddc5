using Esr.Kernel;
using Esr.Kernel.Judging;

namespace Esr.Magics;

/// <summary>
/// What the magics remember between cells of one kernel: the loaded model, the judge, and the last generation (which
/// <c>#!esr judge</c> grades by default). One per kernel, disposed with it; nothing static.
/// </summary>
public sealed class EsrSession : IDisposable
{
    private IJudge? _judge;
    private string? _judgeSpec;

    internal EsrSession(IReadOnlyList<EsrCommand> commands) => Commands = commands;

    /// <summary>The <c>#!esr</c> subcommands, in help order.</summary>
    internal IReadOnlyList<EsrCommand> Commands { get; }

    /// <summary>The loaded model, or null before the first <c>#!esr load</c>.</summary>
    public LoadedModel? Model { get; private set; }

    /// <summary>The last completion generated (the steered one of a comparison, the last rung of a ladder), or null.</summary>
    public Completion? LastCompletion { get; internal set; }

    /// <summary>The judge's spec: the one set with <c>--judge</c>, else the model's default (toy models: the exact judge), else null.</summary>
    public string? JudgeSpec => _judgeSpec ?? Model?.DefaultJudge;

    /// <summary>
    /// The experiment run started last. A cancelled cell returns at once while its run stops at the next trial and
    /// releases its folder's lock; the next experiment waits for that, so running the cell again resumes the run
    /// instead of finding its folder busy.
    /// </summary>
    internal Task LastExperiment { get; set; } = Task.CompletedTask;

    /// <summary>Waits until <see cref="LastExperiment"/> has ended, however it ended (its cell reported that).</summary>
    internal Task ExperimentStoppedAsync() => Task.WhenAny(LastExperiment);

    /// <summary>Finds the Chromium that renders a figure's PNG; null when there is none (tests replace it to see that case).</summary>
    internal Func<string?> FindChromium { get; set; } = Esr.Kernel.Analysis.Figures.FigureExport.FindChromium;

    /// <summary>How often streamed text updates the cell at most: each update is an event sent to the notebook.</summary>
    internal TimeSpan StreamInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The loaded model.</summary>
    /// <exception cref="EsrInputException">None is loaded.</exception>
    internal LoadedModel RequireModel(string subcommand) => Model
        ?? throw new EsrInputException($"no model loaded (run #!esr load <model> first, e.g. #!esr load toy-m-sa60)");

    /// <summary>Makes <paramref name="model"/> the session's model, freeing the one before; the last generation is forgotten.</summary>
    internal void Use(LoadedModel model)
    {
        Model?.Dispose();
        Model = model;
        LastCompletion = null;
        if (_judgeSpec is null) DropJudge();
    }

    /// <summary>Makes <paramref name="spec"/> the session's judge (JudgeFactory's spec: toy, an alias, a model id, local:dir or a URL).</summary>
    /// <exception cref="EsrInputException">The spec names no usable judge (no key, no local model).</exception>
    internal IJudge UseJudge(string spec)
    {
        var judge = JudgeFactory.Create(spec, baseUrl: null, keyVariable: null, prompt: null, JudgeClientOptions.OpenAiCompatible.MaxOutputTokens);
        DropJudge();
        _judge = judge;
        _judgeSpec = spec;
        return judge;
    }

    /// <summary>The session's judge (<see cref="JudgeSpec"/>), made on first use; null when there is none.</summary>
    internal IJudge? Judge()
    {
        if (_judge is not null || JudgeSpec is not { } spec) return _judge;
        _judge = JudgeFactory.Create(spec, baseUrl: null, keyVariable: null, prompt: null, JudgeClientOptions.OpenAiCompatible.MaxOutputTokens);
        return _judge;
    }

    /// <summary>Frees the model and the judge.</summary>
    public void Dispose()
    {
        Model?.Dispose();
        Model = null;
        DropJudge();
    }

    private void DropJudge()
    {
        (_judge as IDisposable)?.Dispose();
        _judge = null;
    }
}
