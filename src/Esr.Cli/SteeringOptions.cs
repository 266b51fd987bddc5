using System.CommandLine;

namespace Esr.Cli;

/// <summary>
/// The steering options of <c>logits</c> and <c>generate</c>: repeatable <c>--steer LATENT=VALUE</c> (add),
/// <c>--clamp LATENT=VALUE</c>, <c>--ablate L1,L2,...</c> on the SAE, and <c>--steer-vector L:FILE</c>, read by the
/// kernel's <see cref="Steering.Parse(IEnumerable{string}?, IEnumerable{string}?, IEnumerable{string}?, IEnumerable{string}?)"/>.
/// </summary>
internal sealed class SteeringOptions
{
    public Option<string[]> Steer { get; } = Repeatable("--steer", "latent=value", "Add value × the latent's decoder direction; repeatable");

    public Option<string[]> Clamp { get; } = Repeatable("--clamp", "latent=value", "Set the latent's activation to value, keeping the SAE's reconstruction error; repeatable");

    public Option<string[]> Ablate { get; } = Repeatable("--ablate", "l1,l2,...", "Set these latents' activations to 0, keeping the reconstruction error; repeatable");

    public Option<string[]> Vectors { get; } = CliOptions.SteerVectors();

    public IEnumerable<Option> All => [Steer, Clamp, Ablate, Vectors];

    private static Option<string[]> Repeatable(string name, string helpName, string description) => new(name)
    {
        Description = description, HelpName = helpName, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Reads the values and the vector files, so that bad input fails before a model is loaded.</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="sae">The command's <c>--sae</c>: an SAE given for nothing to do is a mistake worth saying.</param>
    /// <exception cref="EsrInputException">A malformed value or vector file, or <c>--sae</c> without an SAE intervention.</exception>
    public Steering Read(ParseResult parse, Option<string?>? sae)
    {
        var steering = Steering.Parse(parse.GetValue(Steer), parse.GetValue(Clamp), parse.GetValue(Ablate), parse.GetValue(Vectors));
        if (sae is not null && parse.GetValue(sae) is not null && steering.Interventions.Count == 0)
            throw new EsrInputException("--sae needs at least one --steer, --clamp or --ablate");
        return steering;
    }
}
