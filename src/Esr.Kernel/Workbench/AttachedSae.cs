using Esr.Kernel.Experiments;
using Esr.Kernel.Hooks;
using Esr.Kernel.Saes;

namespace Esr.Kernel;

/// <summary>An SAE attached to a <see cref="LoadedModel"/>: where it reads and steers, and its latents' labels.</summary>
public sealed class AttachedSae : IDisposable
{
    private readonly PaperConfiguration? _paper;

    internal AttachedSae(SparseAutoencoder sae, string name, string path, HookPoint point, HookPoint steeringPoint, LatentLabels? labels, PaperConfiguration? paper)
    {
        Sae = sae;
        Name = name;
        Path = path;
        Point = point;
        SteeringPoint = steeringPoint;
        Labels = labels;
        _paper = paper;
    }

    /// <summary>The autoencoder, on the model's device in the model's dtype.</summary>
    public SparseAutoencoder Sae { get; }

    /// <summary>Names the SAE in messages: its file or folder, or the toy or paper model it belongs to.</summary>
    public string Name { get; }

    /// <summary>The file or folder it was read from: the path as given, or the toy model's or the cache's.</summary>
    public string Path { get; }

    /// <summary>Where it reads latents (the block it was trained on).</summary>
    public HookPoint Point { get; }

    /// <summary>Where steering applies: <see cref="Point"/>, except for paper set-ups that steer elsewhere (Llama-3.3-70B: block 33).</summary>
    public HookPoint SteeringPoint { get; }

    /// <summary>The latents' labels, when known.</summary>
    public LatentLabels? Labels { get; }

    /// <summary>"model/sae" on Neuronpedia, for a paper SAE that is there.</summary>
    public string? NeuronpediaId => _paper?.NeuronpediaId;

    /// <summary>The number of latents.</summary>
    public int Width => Sae.LatentCount;

    /// <summary>A latent's label, or <c>feature_&lt;i&gt;</c> where it has none.</summary>
    public string Label(int latent) => Labels?[latent] ?? LatentLabels.Placeholder(latent);

    /// <summary>The latent's Neuronpedia page, or null.</summary>
    public Uri? NeuronpediaLink(int latent) => _paper?.NeuronpediaLink(latent);

    /// <summary>Frees the SAE's weights.</summary>
    public void Dispose() => Sae.Dispose();
}
