using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Hooks;
using Esr.Kernel.Saes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.Kernel.Saes.Training;

/// <summary>
/// The weights of a trained SAE in raw activation units (any input scaling folded in), ready to use or save:
/// f = relu(x·W_enc + b_enc) (for TopK, only each token's k largest kept), x̂ = f·W_dec + b_dec, decoder rows of unit norm.
/// </summary>
public sealed class TrainedSae : IDisposable
{
    internal TrainedSae(Tensor encoder, Tensor encoderBias, Tensor decoder, Tensor decoderBias, int? topK = null)
    {
        TopK = topK;
        Encoder = encoder.DetachFromDisposeScope();
        EncoderBias = encoderBias.DetachFromDisposeScope();
        Decoder = decoder.DetachFromDisposeScope();
        DecoderBias = decoderBias.DetachFromDisposeScope();
    }

    /// <summary>W_enc [d_in, d_sae] float32.</summary>
    public Tensor Encoder { get; }

    /// <summary>b_enc [d_sae] float32.</summary>
    public Tensor EncoderBias { get; }

    /// <summary>W_dec [d_sae, d_in] float32.</summary>
    public Tensor Decoder { get; }

    /// <summary>b_dec [d_in] float32.</summary>
    public Tensor DecoderBias { get; }

    /// <summary>k of a TopK SAE; null for a ReLU SAE.</summary>
    public int? TopK { get; }

    private SaeArchitecture Architecture => TopK is null ? SaeArchitecture.Standard : SaeArchitecture.TopK;

    /// <summary>A <see cref="SparseAutoencoder"/> with copies of these weights (Standard or TopK architecture).</summary>
    public SparseAutoencoder ToSparseAutoencoder() =>
        new(Encoder.clone(), EncoderBias.clone(), Decoder.clone(), DecoderBias.clone(), Architecture, k: TopK, source: "(trained in memory)");

    /// <summary>
    /// Saves the SAE in SAELens layout (cfg.json + sae_weights.safetensors) for <see cref="SaeLoader.LoadSaeLens"/>;
    /// files are written atomically.
    /// </summary>
    /// <param name="folder">Created if needed.</param>
    /// <param name="point">The hook point the SAE reads.</param>
    /// <param name="dtype">Float32 or BFloat16.</param>
    public void Save(string folder, HookPoint point, ScalarType dtype)
    {
        Directory.CreateDirectory(folder);
        var config = new JsonObject
        {
            ["architecture"] = TopK is null ? "standard" : "topk",
            ["d_in"] = Encoder.shape[0],
            ["d_sae"] = Encoder.shape[1],
            ["dtype"] = dtype == ScalarType.BFloat16 ? "bfloat16" : "float32",
            ["hook_name"] = $"blocks.{point.Block}.hook_{point.Site}",
            ["hook_layer"] = point.Block,
            ["apply_b_dec_to_input"] = false,
            ["normalize_activations"] = "none",
        };
        if (TopK is { } k) config["k"] = k;
        AtomicFile.Write(Path.Combine(folder, SaeLoader.SaeLensConfigFile),
            temporary => File.WriteAllText(temporary, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["W_enc"] = Encoder.to_type(dtype).contiguous(),
            ["b_enc"] = EncoderBias.to_type(dtype).contiguous(),
            ["W_dec"] = Decoder.to_type(dtype).contiguous(),
            ["b_dec"] = DecoderBias.to_type(dtype).contiguous(),
        };
        AtomicFile.Write(Path.Combine(folder, SaeLoader.SaeLensWeightsFile), temporary => Safetensors.SaveStateDict(temporary, tensors));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        EncoderBias.Dispose();
        Decoder.Dispose();
        DecoderBias.Dispose();
    }
}
