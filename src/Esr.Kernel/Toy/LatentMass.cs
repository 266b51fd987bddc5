using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Toy;

/// <summary>
/// Each SAE latent's activation mass per token category over a labelling corpus: mass[c, latent] = Σ over the tokens of
/// category c of the latent's activation, in float64. Both the labels (<see cref="Labels"/>) and the latent each
/// subject is steered by (<see cref="BestLatents"/>) read it, so a corpus is summed once.
/// </summary>
public sealed class LatentMass : IDisposable
{
    private readonly string[] _categories;
    private readonly Tensor _mass;

    private LatentMass(string[] categories, Tensor mass) => (_categories, _mass) = (categories, mass);

    /// <summary>
    /// Sums activations [tokens, d_sae] by the category of each token, <see cref="LatentsAtOnce"/> latents at a time: a
    /// float64 copy of a toy corpus's latents at once is gigabytes.
    /// </summary>
    public static LatentMass Of(Tensor latentActivations, IReadOnlyList<string> tokenCategories)
    {
        ArgumentNullException.ThrowIfNull(latentActivations);
        ArgumentNullException.ThrowIfNull(tokenCategories);
        if (latentActivations.shape[0] != tokenCategories.Count)
            throw new ArgumentException($"{latentActivations.shape[0]} activation rows but {tokenCategories.Count} token categories", nameof(tokenCategories));
        using var scope = NewDisposeScope();
        var categories = tokenCategories.Distinct().Order(StringComparer.Ordinal).ToArray();
        var indexOf = categories.Select((name, index) => (name, index)).ToDictionary(pair => pair.name, pair => (long)pair.index);
        var oneHot = zeros(categories.Length, tokenCategories.Count, ScalarType.Float64);
        var rows = tensor(tokenCategories.Select(category => indexOf[category]).ToArray());
        oneHot.scatter_(0, rows.unsqueeze(0), ones(1, tokenCategories.Count, ScalarType.Float64));
        var latents = latentActivations.shape[1];
        var mass = empty(categories.Length, latents, ScalarType.Float64);
        for (long start = 0; start < latents; start += LatentsAtOnce)
        {
            using var pass = NewDisposeScope();
            var width = Math.Min(LatentsAtOnce, latents - start);
            mass.narrow(1, start, width).copy_(oneHot.matmul(latentActivations.narrow(1, start, width).to_type(ScalarType.Float64)));
        }
        return new LatentMass(categories, mass.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Latents summed per pass of <see cref="Of"/>. Each mass is the same dot product over the tokens whatever the width
    /// (checked bit for bit against one pass over all 3,584 latents, and by the zoo rebuilding).
    /// </summary>
    private const long LatentsAtOnce = 256;

    /// <summary>Every latent's label: the category with the largest share of its mass, that share its purity.</summary>
    public IReadOnlyList<LatentLabel> Labels()
    {
        using var scope = NewDisposeScope();
        var total = _mass.sum([0L]).data<double>().ToArray();
        var best = _mass.max(0);
        var top = best.values.data<double>().ToArray();
        var arg = best.indexes.data<long>().ToArray();
        return total.Select((sum, latent) => sum > 0
            ? new LatentLabel(latent, _categories[arg[latent]], top[latent] / sum, sum)
            : new LatentLabel(latent, LatentLabeler.Dead, 0, 0)).ToArray();
    }

    /// <summary>
    /// For each category starting with <paramref name="prefix"/> (e.g. "subject:"), the latent that category picks:
    /// the one maximising mass_c · share_c, its activation mass on the category's tokens times the share of its whole
    /// mass that is there (strong and selective), with that share as its purity for the category.
    /// </summary>
    public IReadOnlyDictionary<string, LatentLabel> BestLatents(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        using var scope = NewDisposeScope();
        var total = _mass.sum([0L]).clamp_min(Scalars.Tiny);
        var result = new Dictionary<string, LatentLabel>();
        for (var c = 0; c < _categories.Length; c++)
        {
            if (!_categories[c].StartsWith(prefix, StringComparison.Ordinal)) continue;
            var row = _mass[c];
            var share = row.div(total);
            var latent = (int)row.mul(share).argmax().item<long>();
            result[_categories[c][prefix.Length..]] = new LatentLabel(latent, _categories[c], share[latent].item<double>(), row[latent].item<double>());
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _mass.Dispose();
}
