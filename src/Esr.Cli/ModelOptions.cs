using System.CommandLine;

namespace Esr.Cli;

/// <summary>
/// The options of a command that loads a model (<c>--model</c>, <c>--dtype</c>, <c>--device</c>, and as the command
/// asks the paper quirks and an SAE), read into the kernel's <see cref="LoadOptions"/>.
/// </summary>
internal sealed class ModelOptions
{
    /// <param name="extraHeader">Whether the command renders prompts, so that <c>--paper-extra-header</c> applies.</param>
    /// <param name="sae">Whether it takes <c>--sae</c> and <c>--layer</c>.</param>
    /// <param name="saeUse">What the SAE does there, for the help ("reads", "reads and steers").</param>
    public ModelOptions(bool extraHeader, bool sae, string saeUse = "reads and steers")
    {
        if (extraHeader) ExtraHeader = CliOptions.PaperExtraHeader();
        if (!sae) return;
        Sae = new Option<string?>("--sae")
        {
            Description = "The SAE: a SAELens folder, a GemmaScope params.npz or a Goodfire .pth/.pt, a toy model or a paper short name "
                + "(default: a toy model's own)",
            HelpName = "path|name",
        };
        Layer = CliOptions.OptionalInteger("--layer",
            $"Decoder block whose output (blocks.L.resid_post) the SAE {saeUse}; needed for an SAE given by path unless the model is a toy or paper model",
            minimum: 0, helpName: "L");
    }

    public Option<string> Model { get; } = CliOptions.Model();

    public Option<string> Dtype { get; } = CliOptions.Dtype();

    public Option<string> Device { get; } = CliOptions.Device();

    public Option<bool> FinalNorm { get; } = new("--paper-final-norm")
    {
        Description = "Llama only: feed the final norm the last block's output plus its post-attention residual again, as the paper's vLLM fork "
            + "did (ESR_SPEC §11 quirk 6; off by default, on for a Llama paper name; --paper-final-norm false turns it off)",
    };

    public Option<bool>? ExtraHeader { get; }

    public Option<string?>? Sae { get; }

    public Option<int?>? Layer { get; }

    /// <summary>Every option, for the command's list.</summary>
    public IEnumerable<Option> All => new Option?[] { Model, Dtype, Device, FinalNorm, ExtraHeader, Sae, Layer }.OfType<Option>();

    /// <summary>Loads the model the options name.</summary>
    /// <exception cref="EsrInputException">As <see cref="Workbench.Load"/>.</exception>
    public LoadedModel Load(ParseResult parse) => Workbench.Load(parse.GetRequiredValue(Model), Read(parse));

    /// <summary>The load options; a quirk flag not given leaves the model's default.</summary>
    public LoadOptions Read(ParseResult parse) => new()
    {
        Dtype = parse.GetRequiredValue(Dtype),
        Device = parse.GetRequiredValue(Device),
        PaperFinalNorm = CliOptions.GivenFlag(parse, FinalNorm),
        PaperExtraHeader = ExtraHeader is null ? null : CliOptions.GivenFlag(parse, ExtraHeader),
        Sae = Sae is null ? null : parse.GetValue(Sae),
        SaeLayer = Layer is null ? null : parse.GetValue(Layer),
    };
}
