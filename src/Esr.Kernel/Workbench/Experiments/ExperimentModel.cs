using Esr.Kernel.Models;

namespace Esr.Kernel;

/// <summary>
/// Loads an experiment's model through the facade (<see cref="LoadedModel"/>), first checking the blocks and the
/// final-norm quirk against config.json so that a bad option fails before the weights load, in a line naming it.
/// </summary>
internal static class ExperimentModel
{
    /// <param name="reference">The resolved model.</param>
    /// <param name="options">Dtype, device, quirks and the SAE with its block.</param>
    /// <param name="finalNormOption">How the final-norm quirk was asked for, for the error line.</param>
    /// <param name="blocks">Each block an option names, with the option.</param>
    /// <exception cref="EsrInputException">A block beyond the model, the quirk on a model that is not Llama, or as <see cref="LoadedModel"/> loads.</exception>
    public static LoadedModel Load(ModelReference reference, LoadOptions options, string finalNormOption, params (string Option, int Block)[] blocks)
    {
        var config = InputErrors.Convert(() => ModelConfig.Load(reference.Directory));
        foreach (var (option, block) in blocks)
            if (block >= config.LayerCount) throw new EsrInputException($"{option} {block}: the model has blocks 0 to {config.LayerCount - 1}");
        if (options.PaperFinalNorm == true && config.Architecture != ModelArchitecture.Llama)
            throw new EsrInputException($"{finalNormOption} applies to Llama models only; this model is {config.Architecture} (its fork kept the standard final norm)");
        return LoadedModel.Load(reference, options);
    }
}
