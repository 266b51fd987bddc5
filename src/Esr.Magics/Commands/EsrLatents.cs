using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary><c>#!esr latents &lt;text&gt;</c>: a token heatmap of the attached SAE's latents over a text.</summary>
public sealed class EsrLatents : EsrCommand
{
    /// <summary>Latents per token shown on hover when <c>--top</c> is absent.</summary>
    public const int DefaultTop = 5;

    /// <summary>The text read, as it is (with the special tokens the tokenizer adds).</summary>
    public string? Text { get; set; }

    /// <summary>Latents per token.</summary>
    public string? Top { get; set; }

    /// <summary>The latents that colour the tokens.</summary>
    public string? Latent { get; set; }

    /// <summary>The C# variable that receives the heatmap.</summary>
    public string? Name { get; set; }

    internal override string DirectiveName => "latents";

    internal override string Usage => "latents <text> [--top K] [--latent <i>[,...]] [--name <var>]";

    internal override string Summary =>
        "Shows the text's tokens coloured by a latent of the attached SAE (default: the most active); hovering a token shows its value and its top-K latents with labels.";

    internal override int Order => 3;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--text", "The text to read") { AllowImplicitName = true, Required = true },
        new KernelDirectiveParameter("--top", $"Latents per token shown on hover (default {DefaultTop})"),
        new KernelDirectiveParameter("--latent", "Latents that colour the tokens, one row each (default: the most active)").WithLatents(session),
        new KernelDirectiveParameter("--name", "A C# variable to receive the heatmap (its Trace holds the activations)"),
    ];

    internal override async Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        var name = OptionValues.VariableName(Name);
        var model = session.RequireModel(DirectiveName);
        var heatmap = LatentHeatmap.Read(model, Text!, OptionValues.Integer("--top", Top, DefaultTop, minimum: 1), OptionValues.Latents("--latent", Latent));
        Show(context, heatmap);
        await CSharpBinding.BindAsync(name, heatmap, context);
    }
}
