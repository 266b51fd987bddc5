using Esr.Kernel;
using Esr.Kernel.Judging;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary><c>#!esr judge</c>: grades a response (by default the session's last generation) and shows its attempts and scores.</summary>
public sealed class EsrJudge : EsrCommand
{
    /// <summary>The prompt of the response graded.</summary>
    public string? Prompt { get; set; }

    /// <summary>The response graded.</summary>
    public string? Response { get; set; }

    /// <summary>The judge: toy, an alias, a model id, local:dir or a URL; it becomes the session's judge.</summary>
    public string? Judge { get; set; }

    /// <summary>The feature label the judge is told.</summary>
    public string? Label { get; set; }

    /// <summary>The C# variable that receives the verdict.</summary>
    public string? Name { get; set; }

    internal override string DirectiveName => "judge";

    internal override string Usage => "judge [--prompt <p>] [--response <r>] [--judge <toy|alias|model id|local:dir|URL>] [--label <l>] [--name <var>]";

    internal override string Summary =>
        "Grades a response (without --prompt and --response: the session's last generation) and shows its attempts and scores; --judge also becomes the session's judge.";

    internal override int Order => 4;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--prompt", "The prompt the response answers"),
        new KernelDirectiveParameter("--response", "The response to grade"),
        new KernelDirectiveParameter("--judge", "toy, toy-lexical, an alias, a model id, local:<dir> or an endpoint URL (default: the session's judge)").WithValues(JudgeFactory.Toy, JudgeFactory.ToyLexical),
        new KernelDirectiveParameter("--label", "The steered feature's label the judge is told (default: the generation's steered latent)"),
        new KernelDirectiveParameter("--name", "A C# variable to receive the verdict"),
    ];

    internal override async Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        var name = OptionValues.VariableName(Name);
        if ((Prompt is null) != (Response is null))
            throw new EsrInputException($"give --prompt and --response together (got only {(Prompt is null ? "--response" : "--prompt")}), or neither to judge the last generation");
        var judge = Judge is not null ? session.UseJudge(Judge)
            : session.Judge() ?? throw new EsrInputException("no judge set: give --judge (toy, an alias, a model id, local:<dir> or an endpoint URL)");
        Verdict verdict;
        if (Prompt is not null)
        {
            verdict = await judge.JudgeAsync(Prompt, Response!, Label ?? "none", context.CancellationToken);
        }
        else
        {
            var last = session.LastCompletion
                ?? throw new EsrInputException("nothing to judge: run #!esr generate first, or give --prompt and --response");
            verdict = await judge.JudgeAsync(last, session.Model?.Sae, Label, context.CancellationToken);
        }
        Show(context, verdict);
        await CSharpBinding.BindAsync(name, verdict, context);
    }
}
