using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary>
/// <c>#!esr generate &lt;prompt&gt;</c>: one completion streamed into the cell, or with <c>--compare</c> the unsteered
/// and steered completions side by side, or with <c>--ladder</c> one completion per boost of one latent; the last two
/// scored by the session's judge when there is one.
/// </summary>
public sealed class EsrGenerate : EsrCommand
{
    /// <summary>The max tokens when <c>--max-tokens</c> is absent: room for a restart on the toy models' 256-position context.</summary>
    public const int DefaultMaxTokens = 128;

    /// <summary>The user message.</summary>
    public string? Prompt { get; set; }

    /// <summary>latent=boost pairs; with <c>--ladder</c>, the one latent.</summary>
    public string? Steer { get; set; }

    /// <summary>latent=value pairs.</summary>
    public string? Clamp { get; set; }

    /// <summary>Latents to clamp to 0.</summary>
    public string? Ablate { get; set; }

    /// <summary>Sampling temperature.</summary>
    public string? Temperature { get; set; }

    /// <summary>The seed.</summary>
    public string? Seed { get; set; }

    /// <summary>The most tokens to generate.</summary>
    public string? MaxTokens { get; set; }

    /// <summary>Show unsteered and steered side by side.</summary>
    public bool Compare { get; set; }

    /// <summary>Boosts of the <c>--steer</c> latent, one completion each.</summary>
    public string? Ladder { get; set; }

    /// <summary>The C# variable that receives the result.</summary>
    public string? Name { get; set; }

    internal override string DirectiveName => "generate";

    internal override string Usage =>
        "generate <prompt> [--steer <latent>=<boost>[,...]] [--clamp <latent>=<value>[,...]] [--ablate <latent>[,...]] " +
        "[--temperature T] [--seed S] [--max-tokens N] [--compare] [--ladder <b1,...,bk> with --steer <latent>] [--name <var>]";

    internal override string Summary =>
        "Generates a completion of one user turn, streamed into the cell; --compare shows the unsteered and steered completions side by side, " +
        "--ladder one completion per boost of the --steer latent (same seed), both split into attempts and scored by the session's judge.";

    internal override int Order => 2;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--prompt", "The user message") { AllowImplicitName = true, Required = true },
        new KernelDirectiveParameter("--steer", "Boosts: latent=boost[,...], e.g. 754=12.5 (with --ladder: the one latent)").WithLatents(session, "="),
        new KernelDirectiveParameter("--clamp", "Clamps: latent=value[,...] (the SAE error is kept)").WithLatents(session, "="),
        new KernelDirectiveParameter("--ablate", "Latents to clamp to 0: latent[,...]").WithLatents(session),
        new KernelDirectiveParameter("--temperature", "Sampling temperature; 0 is greedy (default 0.6)"),
        new KernelDirectiveParameter("--seed", "The seed of the generation's random stream (default 0)"),
        new KernelDirectiveParameter("--max-tokens", $"The most tokens to generate (default {DefaultMaxTokens})"),
        new KernelDirectiveParameter("--compare", "Show the unsteered and the steered completion side by side") { Flag = true },
        new KernelDirectiveParameter("--ladder", "Boosts b1,...,bk of the --steer latent, one completion each, same seed"),
        new KernelDirectiveParameter("--name", "A C# variable to receive the completion, comparison or ladder"),
    ];

    internal override async Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        var name = OptionValues.VariableName(Name);
        var model = session.RequireModel(DirectiveName);
        var defaults = new GenerateOptions();
        var options = defaults with
        {
            MaxTokens = OptionValues.Integer("--max-tokens", MaxTokens, DefaultMaxTokens, minimum: 0),
            Temperature = OptionValues.Number("--temperature", Temperature, defaults.Temperature),
            Seed = OptionValues.Integer("--seed", Seed, defaults.Seed),
        };
        object result = Ladder is not null
            ? await RunLadderAsync(session, model, options, context)
            : Compare
                ? await RunCompareAsync(session, model, options, context)
                : RunOne(session, model, options, context);
        await CSharpBinding.BindAsync(name, result, context);
    }

    private Completion RunOne(EsrSession session, LoadedModel model, GenerateOptions options, KernelInvocationContext context)
    {
        var steering = Steering.Parse(Steer, Clamp, Ablate);
        var progress = new GenerationProgress(Prompt!, "");
        var display = Show(context, progress);
        var shown = new ThrottledProgress<GenerationProgress>(session.StreamInterval, update => display.Update(update));
        var completion = model.Generate(Prompt!, options with { Steering = steering.IsEmpty ? null : steering }, piece =>
        {
            progress = progress with { Text = progress.Text + piece };
            shown.Report(progress);
        }, context.CancellationToken);
        display.Update(completion);
        session.LastCompletion = completion;
        return completion;
    }

    private async Task<JudgedComparison> RunCompareAsync(EsrSession session, LoadedModel model, GenerateOptions options, KernelInvocationContext context)
    {
        var steering = Steering.Parse(Steer, Clamp, Ablate);
        if (steering.IsEmpty) throw new EsrInputException("--compare needs a steering to compare against: --steer, --clamp or --ablate");
        var display = Show(context, new GenerationProgress(Prompt!, "", "generating the unsteered and the steered completion"));
        var comparison = model.Compare(Prompt!, steering, options, context.CancellationToken);
        var judged = await session.Judge().JudgeAsync(comparison, model.Sae, context.CancellationToken);
        display.Update(judged);
        session.LastCompletion = comparison.Steered;
        return judged;
    }

    private async Task<JudgedLadder> RunLadderAsync(EsrSession session, LoadedModel model, GenerateOptions options, KernelInvocationContext context)
    {
        if (Compare) throw new EsrInputException("--compare and --ladder do not combine (a ladder's boost 0 is the unsteered completion)");
        if (Steer is null || Steer.Contains(',') || Steer.Contains('='))
            throw new EsrInputException($"--ladder needs --steer with one latent and no value (e.g. --steer 754 --ladder 0,8,16); got --steer '{Steer}'");
        var latent = OptionValues.Latent("--steer", Steer);
        var boosts = OptionValues.Numbers("--ladder", Ladder!);
        var others = Steering.Parse(clamp: Clamp, ablate: Ablate);
        var display = Show(context, new GenerationProgress(Prompt!, "", $"generating {boosts.Length} completions, boosting latent {latent}"));
        var ladder = model.Ladder(Prompt!, latent, boosts, options with { Steering = others.IsEmpty ? null : others }, context.CancellationToken);
        var judged = await session.Judge().JudgeAsync(ladder, model.Sae, context.CancellationToken);
        display.Update(judged);
        session.LastCompletion = ladder.Rungs[^1].Completion;
        return judged;
    }
}
