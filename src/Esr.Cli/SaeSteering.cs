using Esr.Kernel.Models;
using Esr.Kernel.Saes;

namespace Esr.Cli;

/// <summary>
/// Loads an SAE for a model the experiment commands loaded by path (<see cref="ModelLoading"/>); the model commands
/// attach SAEs through the kernel's <see cref="LoadedModel"/>. Goes when the experiment commands run on the kernel's catalog.
/// </summary>
internal static class SaeSteering
{
    /// <summary>Loads an SAE for <c>blocks.layer.resid_post</c> of a model, in its dtype and on its device.</summary>
    /// <exception cref="EsrInputException">The layer is outside the model or the widths differ.</exception>
    internal static SparseAutoencoder LoadFor(string path, int layer, CausalLanguageModel model)
    {
        if (layer >= model.Config.LayerCount)
            throw new EsrInputException($"--layer {layer}: the model has blocks 0 to {model.Config.LayerCount - 1}");
        var sae = SaeLoader.Load(path, model.Dtype);
        if (sae.InputWidth != model.Config.HiddenSize)
        {
            sae.Dispose();
            throw new EsrInputException($"{path}: the SAE's d_in is {sae.InputWidth} but the model's d_model is {model.Config.HiddenSize}");
        }
        return sae;
    }
}
