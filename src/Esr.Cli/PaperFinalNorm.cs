using System.CommandLine;
using Esr.Kernel.Models;

namespace Esr.Cli;

/// <summary>The paper's Llama final-norm quirk (ESR_SPEC §1.3, §11 quirk 6) on the command line.</summary>
internal static class PaperFinalNorm
{
    /// <summary><c>--paper-final-norm</c>, off by default.</summary>
    public static Option<bool> Option() => new("--paper-final-norm")
    {
        Description = "Llama only: feed the final norm the last block's output plus its post-attention residual again, "
            + "as the paper's vLLM fork did (ESR_SPEC §11 quirk 6; off by default)",
    };

    /// <summary>Turns the quirk on or off for <paramref name="model"/>.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="enabled">Whether the quirk is wanted.</param>
    /// <param name="source">What asked for it, for the error (e.g. <c>--paper-final-norm</c>).</param>
    /// <exception cref="EsrInputException">The quirk was asked for on a model that is not Llama.</exception>
    public static void Apply(CausalLanguageModel model, bool enabled, string source)
    {
        if (enabled && model.Config.Architecture != ModelArchitecture.Llama)
            throw new EsrInputException($"{source} applies to Llama models only; this model is {model.Config.Architecture} (its fork kept the standard final norm)");
        model.PaperFinalNorm = enabled;
    }
}
