using Esr.Kernel.Formats;
using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Saes;

/// <summary>
/// A sparse autoencoder over a d_in-wide activation: pre = (x − b_dec if <see cref="AppliesDecoderBiasToInput"/>)·W_enc
/// + b_enc; the latents f = activation(pre) (<see cref="SaeArchitecture"/>); decode(f) = f·W_dec + b_dec.
/// </summary>
/// <remarks>
/// The weights keep the dtype they were loaded in (float32 or bfloat16) and stay on the device of the W_enc given
/// (the loaders give CPU tensors) until <see cref="MoveTo"/>; inputs are converted to that dtype, weights are copied
/// to an input on another device for each call (move the SAE to the model's device to avoid that), and results
/// come back on the input's device. Weight layout is SAELens's whatever the source:
/// W_enc [d_in, d_sae], W_dec [d_sae, d_in], so latent i's decoder direction is row i of W_dec.
/// </remarks>
public sealed class SparseAutoencoder : IDisposable
{
    private Tensor _encoder;    // [d_in, d_sae]
    private Tensor _encoderBias; // [d_sae]
    private Tensor _decoder;    // [d_sae, d_in]
    private Tensor _decoderBias; // [d_in]
    private Tensor? _threshold; // [d_sae], JumpReLU only

    /// <summary>The activation function.</summary>
    public SaeArchitecture Architecture { get; }

    /// <summary>For <see cref="SaeArchitecture.TopK"/>, how many latents stay active per token; otherwise null.</summary>
    public int? K { get; }

    /// <summary>Whether b_dec is subtracted from the input before encoding (SAELens <c>apply_b_dec_to_input</c>).</summary>
    public bool AppliesDecoderBiasToInput { get; }

    /// <summary>The width of the activations it reads (d_in).</summary>
    public int InputWidth { get; }

    /// <summary>The number of latents (d_sae).</summary>
    public int LatentCount { get; }

    /// <summary>The dtype of the weights.</summary>
    public ScalarType Dtype => _encoder.dtype;

    /// <summary>Where the weights live.</summary>
    public Device Device => _encoder.device;

    /// <summary>Where the weights came from, for messages.</summary>
    public string Source { get; }

    /// <summary>
    /// Builds an SAE from its tensors, taking ownership of them (they are disposed with the SAE). Shapes are read
    /// from the tensors and checked against each other.
    /// </summary>
    /// <param name="encoder">W_enc [d_in, d_sae].</param>
    /// <param name="encoderBias">b_enc [d_sae].</param>
    /// <param name="decoder">W_dec [d_sae, d_in].</param>
    /// <param name="decoderBias">b_dec [d_in].</param>
    /// <param name="architecture">The activation function.</param>
    /// <param name="threshold">[d_sae]; required for JumpReLU, refused otherwise.</param>
    /// <param name="k">Required for TopK (1 ≤ k ≤ d_sae), refused otherwise.</param>
    /// <param name="appliesDecoderBiasToInput">Subtract b_dec from the input before encoding.</param>
    /// <param name="source">Names the SAE in messages.</param>
    /// <exception cref="SaeFormatException">Shapes disagree, a weight holds NaN or infinity, or the threshold or k do not fit the architecture.</exception>
    public SparseAutoencoder(
        Tensor encoder, Tensor encoderBias, Tensor decoder, Tensor decoderBias,
        SaeArchitecture architecture, Tensor? threshold = null, int? k = null,
        bool appliesDecoderBiasToInput = false, string source = "(in memory)")
    {
        Source = source;
        if (encoder.dim() != 2) throw new SaeFormatException(source, $"W_enc has shape {Show(encoder)}, expected [d_in, d_sae]");
        InputWidth = (int)encoder.shape[0];
        LatentCount = (int)encoder.shape[1];
        Expect(encoderBias, "b_enc", LatentCount);
        Expect(decoder, "W_dec", LatentCount, InputWidth);
        Expect(decoderBias, "b_dec", InputWidth);
        if (architecture == SaeArchitecture.JumpRelu)
        {
            if (threshold is null) throw new SaeFormatException(source, "a JumpReLU SAE needs a threshold [d_sae]");
            Expect(threshold, "threshold", LatentCount);
        }
        else if (threshold is not null)
        {
            throw new SaeFormatException(source, $"a threshold was given but the architecture is {architecture}");
        }
        if (architecture == SaeArchitecture.TopK)
        {
            if (k is not { } count || count < 1 || count > LatentCount)
                throw new SaeFormatException(source, $"a TopK SAE needs k between 1 and d_sae = {LatentCount}, got {k?.ToString() ?? "none"}");
        }
        else if (k is not null)
        {
            throw new SaeFormatException(source, $"k was given but the architecture is {architecture}");
        }
        var dtype = encoder.dtype;
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new SaeFormatException(source, $"W_enc has dtype {dtype}; float32 and bfloat16 are supported");

        foreach (var (tensor, name) in new[] { (encoder, "W_enc"), (encoderBias, "b_enc"), (decoder, "W_dec"), (decoderBias, "b_dec") })
        {
            if (!FiniteValues.AllFinite(tensor)) throw new SaeFormatException(source, $"{name} holds NaN or infinite values; SAE weights must be finite numbers");
        }

        var device = encoder.device;
        Tensor Own(Tensor tensor) => tensor.to(dtype, device).contiguous().DetachFromDisposeScope();
        _encoder = Own(encoder);
        _encoderBias = Own(encoderBias);
        _decoder = Own(decoder);
        _decoderBias = Own(decoderBias);
        _threshold = threshold is null ? null : Own(threshold);
        Architecture = architecture;
        K = k;
        AppliesDecoderBiasToInput = appliesDecoderBiasToInput;
    }

    /// <summary>Moves the weights to <paramref name="device"/> (e.g. the model's), freeing the old copies.</summary>
    public void MoveTo(Device device)
    {
        Tensor Move(Tensor tensor)
        {
            var moved = tensor.to(device);
            if (ReferenceEquals(moved, tensor)) return tensor;
            tensor.Dispose();
            return moved.DetachFromDisposeScope();
        }
        _encoder = Move(_encoder);
        _encoderBias = Move(_encoderBias);
        _decoder = Move(_decoder);
        _decoderBias = Move(_decoderBias);
        if (_threshold is not null) _threshold = Move(_threshold);
    }

    /// <summary>Refuses a model whose residual width differs from this SAE's input width.</summary>
    /// <exception cref="ArgumentException">The widths differ; the message names both.</exception>
    public void EnsureFits(int modelWidth, string modelName = "the model")
    {
        if (modelWidth != InputWidth)
            throw new ArgumentException($"the SAE {Source} reads d_in = {InputWidth} but {modelName} has d_model = {modelWidth}");
    }

    /// <summary>Every latent's activation: [..., d_in] → [..., d_sae], in the SAE's dtype on the input's device.</summary>
    public Tensor Encode(Tensor input)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        var device = input.device;
        var pre = PreActivation(input, _encoder.to(device), _encoderBias.to(device));
        return Activate(pre, _threshold?.to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Every latent's pre-activation, before the activation function: [..., d_in] → [..., d_sae], in the SAE's dtype,
    /// attached to the input's graph (what a loss on the latents' firing differentiates).
    /// </summary>
    public Tensor PreActivations(Tensor input)
    {
        CheckInput(input);
        return PreActivation(input, _encoder.to(input.device), _encoderBias.to(input.device));
    }

    /// <summary>
    /// The activations of the given latents only: [..., d_in] → [..., latents.Count], in the order given. For
    /// Standard and JumpReLU SAEs only those encoder columns are computed, and the result equals the matching columns
    /// of <see cref="Encode"/>. A TopK SAE must encode every latent to know which k survive, so there this costs a
    /// full encode.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A latent is outside [0, d_sae).</exception>
    public Tensor EncodeLatents(Tensor input, IReadOnlyList<int> latents)
    {
        CheckInput(input);
        using var scope = NewDisposeScope();
        var device = input.device;
        var index = LatentIndex(latents);
        if (Architecture == SaeArchitecture.TopK)
            return Encode(input).index_select(-1, index.to(device)).MoveToOuterDisposeScope();
        var pre = PreActivation(input, _encoder.index_select(1, index).to(device), _encoderBias.index_select(0, index).to(device));
        return Activate(pre, _threshold?.index_select(0, index).to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>Maps latents back to the activation space: [..., d_sae] → [..., d_in], f·W_dec + b_dec.</summary>
    public Tensor Decode(Tensor latents)
    {
        if (latents.shape[^1] != LatentCount)
            throw new ArgumentException($"the SAE {Source} decodes {LatentCount} latents but got shape {Show(latents)}", nameof(latents));
        using var scope = NewDisposeScope();
        var device = latents.device;
        return latents.to_type(Dtype).matmul(_decoder.to(device)).add(_decoderBias.to(device), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Latent <paramref name="latent"/>'s raw (un-normalized) decoder direction, row i of W_dec, as float32.</summary>
    public float[] DecoderDirection(int latent)
    {
        CheckLatent(latent);
        using var scope = NewDisposeScope();
        return TensorMemory.ToFloatArray(_decoder[latent].to_type(ScalarType.Float32).cpu());
    }

    /// <summary>
    /// An SAE over only the given latents (their encoder columns, biases, thresholds and decoder rows), whose
    /// <see cref="Encode"/> equals <see cref="EncodeLatents"/> of this one; so a hook that reads a few latents every
    /// step selects them once. Not for TopK, whose latents depend on all the others.
    /// </summary>
    internal SparseAutoencoder Restricted(IReadOnlyList<int> latents)
    {
        if (Architecture == SaeArchitecture.TopK) throw new InvalidOperationException("a TopK SAE cannot be restricted to some latents");
        using var scope = NewDisposeScope();
        var index = LatentIndex(latents);
        return new SparseAutoencoder(
            _encoder.index_select(1, index), _encoderBias.index_select(0, index), _decoder.index_select(0, index), _decoderBias.clone(),
            Architecture, _threshold?.index_select(0, index), null, AppliesDecoderBiasToInput, Source);
    }

    /// <summary>The decoder rows of the given latents, [latents.Count, d_in] float32 on the SAE's device.</summary>
    internal Tensor DecoderRows(IReadOnlyList<int> latents)
    {
        using var scope = NewDisposeScope();
        return _decoder.index_select(0, LatentIndex(latents)).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per token of a [tokens, d_in] (or [d_in]) input, its <paramref name="k"/> most active latents, strongest
    /// first; latents at 0 are left out, so a token may list fewer.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LatentActivation>> TopLatents(Tensor input, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        using var scope = NewDisposeScope();
        var latents = Encode(input.dim() == 1 ? input.unsqueeze(0) : input).to_type(ScalarType.Float32).cpu();
        if (latents.dim() != 2) throw new ArgumentException($"top latents need [tokens, d_in], got {Show(input)}", nameof(input));
        var (values, indices) = latents.topk(Math.Min(k, LatentCount), dim: -1);
        var flatValues = TensorMemory.ToFloatArray(values);
        var flatIndices = indices.data<long>().ToArray();
        var width = (int)values.shape[1];
        var result = new List<IReadOnlyList<LatentActivation>>();
        for (var token = 0; token < values.shape[0]; token++)
        {
            var row = new List<LatentActivation>();
            for (var j = 0; j < width; j++)
            {
                var value = flatValues[token * width + j];
                if (value > 0) row.Add(new LatentActivation((int)flatIndices[token * width + j], value));
            }
            result.Add(row);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _encoder.Dispose();
        _encoderBias.Dispose();
        _decoder.Dispose();
        _decoderBias.Dispose();
        _threshold?.Dispose();
    }

    private Tensor PreActivation(Tensor input, Tensor encoder, Tensor encoderBias)
    {
        var x = input.to_type(Dtype);
        if (AppliesDecoderBiasToInput) x = x.add(_decoderBias.to(input.device), Scalars.MinusOne);
        return x.matmul(encoder).add(encoderBias, Scalars.One);
    }

    private Tensor Activate(Tensor pre, Tensor? threshold)
    {
        switch (Architecture)
        {
            case SaeArchitecture.Standard:
                return pre.relu();
            case SaeArchitecture.JumpRelu:
                // ReLU first, so a negative threshold still never lets a negative pre-activation through.
                var rectified = pre.relu();
                return where(pre.gt(threshold!), rectified, zeros_like(rectified));
            default:
                return KeepLargest(pre, K!.Value);
        }
    }

    /// <summary>TopK activation: ReLU of each row's <paramref name="k"/> largest pre-activations, 0 elsewhere (a new tensor, gradients kept).</summary>
    internal static Tensor KeepLargest(Tensor preActivations, int k)
    {
        var (values, indices) = preActivations.topk(k, dim: -1);
        return zeros_like(preActivations).scatter(-1, indices, values.relu());
    }

    private Tensor LatentIndex(IReadOnlyList<int> latents)
    {
        foreach (var latent in latents) CheckLatent(latent);
        return tensor(latents.Select(latent => (long)latent).ToArray(), ScalarType.Int64).to(_encoder.device);
    }

    private void CheckLatent(int latent)
    {
        if (latent < 0 || latent >= LatentCount)
            throw new ArgumentOutOfRangeException(nameof(latent), latent, $"the SAE {Source} has latents 0 to {LatentCount - 1}");
    }

    private void CheckInput(Tensor input)
    {
        if (input.dim() == 0 || input.shape[^1] != InputWidth)
            throw new ArgumentException($"the SAE {Source} reads d_in = {InputWidth} but got an input of shape {Show(input)}", nameof(input));
    }

    private void Expect(Tensor tensor, string name, params long[] shape)
    {
        if (!tensor.shape.SequenceEqual(shape))
            throw new SaeFormatException(Source, $"{name} has shape {Show(tensor)}, expected [{string.Join(", ", shape)}] (from W_enc [d_in, d_sae] = [{InputWidth}, {LatentCount}])");
    }

    private static string Show(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}
