using Esr.Kernel.Hooks;
using Esr.Kernel.Models;

namespace Esr.Kernel;

/// <summary>The paper quirks (ESR_SPEC §11) a loaded model runs with, as a run manifest records them.</summary>
/// <param name="PaperExtraHeader">Whether generation prompts get the paper's extra Llama assistant header (quirk 4).</param>
/// <param name="PaperFinalNorm">Whether the final norm sees the fork's Llama arithmetic (ESR_SPEC §11 quirk 6, <see cref="CausalLanguageModel.PaperFinalNorm"/>).</param>
/// <param name="SaeSite">The hook site SAEs read and steer at: <c>mlp_out</c> for the paper's Gemma configurations
/// (the fork encoded the MLP branch, ESR_SPEC §1.3), <c>resid_post</c> otherwise.</param>
public sealed record ModelQuirks(bool PaperExtraHeader, bool PaperFinalNorm, string SaeSite)
{

    /// <summary>The defaults of a reference (on for the paper's Llama configurations), overridden by <paramref name="options"/>.</summary>
    internal static ModelQuirks For(ModelReference reference, ModelArchitecture architecture, LoadOptions options)
    {
        var paperLlama = reference.Paper is not null && architecture == ModelArchitecture.Llama;
        if (options.PaperFinalNorm == true && architecture != ModelArchitecture.Llama)
            throw new EsrInputException(
                $"{LoadOptions.PaperFinalNormInput} applies to Llama models only; this model is {architecture} (its fork kept the standard final norm)")
            { Input = LoadOptions.PaperFinalNormInput };
        return new ModelQuirks(
            options.PaperExtraHeader ?? paperLlama,
            options.PaperFinalNorm ?? paperLlama,
            reference.Paper?.SaeSite ?? HookPoint.ResidualPost);
    }
}
