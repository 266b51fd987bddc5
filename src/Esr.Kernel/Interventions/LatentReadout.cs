using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

/// <summary>
/// Reads SAE latent activations per real token (padding dropped) for each batch row, across the prefill and every
/// decoding step, leaving the activation unchanged. Added after a <see cref="InterventionHook"/> at the same point,
/// it reads the steered stream (the paper's Figure 6 reads while steering; ESR_SPEC §1.3 "after any steering").
/// </summary>
/// <remarks>
/// Reading chosen latents costs only their encoder columns (except for TopK SAEs); reading all latents is a full
/// encode per token and keeps d_sae floats per token in memory.
/// </remarks>
public sealed class LatentReadout : IActivationHook, IDisposable
{
    private readonly SparseAutoencoder _reader; // the SAE, or one restricted to the chosen latents
    private readonly SparseAutoencoder? _owned;  // the restricted SAE, which this readout disposes
    private readonly SparseAutoencoder _sae;
    private readonly int[]? _chosen;
    private readonly List<List<float[]>> _rows = [];

    /// <summary>The latents read, in column order.</summary>
    public IReadOnlyList<int> Latents { get; }

    /// <summary>Reads <paramref name="latents"/> (in that order), or every latent when null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A latent is outside the SAE.</exception>
    public LatentReadout(SparseAutoencoder sae, IReadOnlyList<int>? latents = null)
    {
        _sae = sae;
        _chosen = latents?.ToArray();
        Latents = _chosen ?? Enumerable.Range(0, sae.LatentCount).ToArray();
        _owned = _chosen is not null && sae.Architecture != SaeArchitecture.TopK ? sae.Restricted(_chosen) : null;
        _reader = _owned ?? sae;
    }

    /// <summary>Per batch row, the latents' activations in token order (prompt tokens first, then generated ones).</summary>
    public IReadOnlyList<LatentTrace> Traces => _rows.Select(row => new LatentTrace(Latents, row)).ToList();

    /// <inheritdoc />
    public Tensor Apply(Tensor activation, HookContext context)
    {
        using var scope = NewDisposeScope();
        var latents = _chosen is not null && _owned is null ? _sae.EncodeLatents(activation, _chosen) : _reader.Encode(activation);
        RealTokenRows.Append(_rows, latents, context.TokenMask);
        return activation;
    }

    /// <summary>Frees the restricted copy of the SAE that chosen latents are read with (the SAE itself stays the caller's).</summary>
    public void Dispose() => _owned?.Dispose();

    /// <summary>
    /// Feeds one token sequence whole (teacher forcing) and reads the latents at <paramref name="point"/>, after
    /// <paramref name="interventions"/> when given (applied at the same point, to every position). The pass stops after
    /// the deepest block it needs and computes no logits.
    /// </summary>
    /// <param name="model">The model; its d_model must equal the SAE's d_in.</param>
    /// <param name="point">Where the SAE reads, e.g. <c>blocks.16.resid_post</c>.</param>
    /// <param name="sae">The SAE.</param>
    /// <param name="tokenIds">The sequence, e.g. a templated conversation.</param>
    /// <param name="latents">The latents to read; null reads all.</param>
    /// <param name="interventions">Steering active while reading; null or empty for none.</param>
    /// <param name="steeringPoint">Where the interventions apply, when not at <paramref name="point"/> (the paper's
    /// 70B steers at block 33 and reads at block 50 with the same SAE).</param>
    /// <exception cref="ArgumentException">The SAE does not fit the model.</exception>
    public static LatentTrace Read(
        CausalLanguageModel model, HookPoint point, SparseAutoencoder sae, IReadOnlyList<int> tokenIds,
        IReadOnlyList<int>? latents = null, IReadOnlyList<Intervention>? interventions = null, HookPoint? steeringPoint = null)
    {
        sae.EnsureFits(model.Config.HiddenSize);
        using var readout = new LatentReadout(sae, latents);
        using var steering = interventions is { Count: > 0 } ? InterventionHook.ForAllRows(sae, interventions) : null;
        var hooks = new ActivationHooks();
        if (steering is not null) hooks.Add(steeringPoint ?? point, steering);
        hooks.Add(point, readout);
        model.RunUntilLastHook(tokenIds, hooks); // stops after the read block; no logits
        return readout.Traces[0];
    }
}
