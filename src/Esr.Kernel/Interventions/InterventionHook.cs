using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

/// <summary>
/// Applies a list of <see cref="Intervention"/>s at the hook point it is added to, with the paper's semantics
/// (ESR_SPEC §1.3): with f = encode(h) and e = h − decode(f), clamps overwrite f in list order (a later clamp of the
/// same latent wins), then every boost is added, and h' = decode(f') + e. Because the decoder is linear this is
/// computed without a full encode:
/// h' = h + Σ_adds value·d_i + Σ_clamped (v_i − f_i(h))·d_i + Σ vectors,
/// where d_i is latent i's raw decoder direction and f_i(h) is read from the clamped latents' encoder columns only.
/// So adds cost one vector addition, and a clamp or ablation of k latents costs k encoder columns per token.
/// </summary>
/// <remarks>
/// This equals the full encode/edit/decode path for Standard and JumpReLU SAEs. A TopK SAE's activations depend on
/// every latent, so there the clamped latents are read from a full encode (costly, but still exact). The same list
/// can be given to every batch row, or each row its own (or none), which is how experiments batch many latents and
/// boosts together. Float32 decoder directions are summed first and the sum is converted to the activation's dtype.
/// </remarks>
public sealed class InterventionHook : IActivationHook, IDisposable
{
    private readonly SparseAutoencoder? _sae;
    private readonly Plan[] _plans;            // one per row, or a single one shared by every row
    private readonly bool _shared;
    private readonly int[] _clampedLatents;    // the union over rows, in a fixed order
    private readonly SparseAutoencoder? _clampReader; // those latents only (null for TopK: it needs the full SAE)
    private readonly Tensor? _clampDirections; // [k, d] float32 decoder rows of _clampedLatents
    private readonly RowDeltas? _adds;          // per row: the boosts and plain vectors, summed
    private readonly DeviceTensor? _clampTargets; // [rows, 1, k] float32: each row's clamp value v_i (0 where it has none)
    private readonly DeviceTensor? _clampMask;    // [rows, 1, k] bool: which latents each row clamps
    private readonly DeviceTensor? _rowClamped;   // [rows, 1, 1] bool: rows that clamp anything

    /// <summary>The width of the activations it edits.</summary>
    public int Width { get; }

    /// <summary>Which positions are edited.</summary>
    public InterventionPositions Positions { get; }

    private InterventionHook(SparseAutoencoder? sae, IReadOnlyList<IReadOnlyList<Intervention>?> rows, bool shared, InterventionPositions positions)
    {
        _sae = sae;
        _shared = shared;
        Positions = positions;
        Width = sae?.InputWidth
            ?? rows.SelectMany(row => row ?? []).OfType<AddVector>().FirstOrDefault()?.Vector.Count
            ?? throw new ArgumentException("interventions without an SAE need at least one plain vector");
        _plans = rows.Select((row, index) => Plan.Of(row ?? [], sae, Width, index)).ToArray();
        _adds = RowDeltas.Of(_plans.Select(plan => plan.Added).ToArray(), Width);
        _clampedLatents = _plans.SelectMany(plan => plan.Clamps.Keys).Distinct().Order().ToArray();
        if (_clampedLatents.Length > 0)
        {
            _clampReader = sae!.Architecture == SaeArchitecture.TopK ? null : sae.Restricted(_clampedLatents);
            _clampDirections = sae.DecoderRows(_clampedLatents).DetachFromDisposeScope();
            (_clampTargets, _clampMask, _rowClamped) = ClampTables(_plans, _clampedLatents);
        }
    }

    /// <summary>The per-row clamp values and masks over the clamped latents, made once for every step.</summary>
    private static (DeviceTensor Targets, DeviceTensor Mask, DeviceTensor RowClamped) ClampTables(Plan[] plans, int[] latents)
    {
        int rows = plans.Length, k = latents.Length;
        var targets = new float[rows * k];
        var clamped = new bool[rows * k];
        var rowClamped = new bool[rows];
        for (var row = 0; row < rows; row++)
        {
            for (var j = 0; j < k; j++)
            {
                if (!plans[row].Clamps.TryGetValue(latents[j], out var target)) continue;
                targets[row * k + j] = target;
                clamped[row * k + j] = true;
                rowClamped[row] = true;
            }
        }
        return (new DeviceTensor(() => tensor(targets, [rows, 1L, k])), new DeviceTensor(() => tensor(clamped, [rows, 1L, k])),
            new DeviceTensor(() => tensor(rowClamped, [rows, 1L, 1L])));
    }

    /// <summary>Applies the same interventions to every row of every batch.</summary>
    /// <param name="sae">The SAE whose latents are named; may be null when the list holds only plain vectors.</param>
    /// <param name="interventions">Applied in list order.</param>
    /// <param name="positions">Every position (the paper) or generated tokens only.</param>
    /// <exception cref="ArgumentException">A latent is outside the SAE, a vector has the wrong width, or latents are named without an SAE.</exception>
    public static InterventionHook ForAllRows(SparseAutoencoder? sae, IReadOnlyList<Intervention> interventions, InterventionPositions positions = InterventionPositions.Every) =>
        new(sae, [interventions], shared: true, positions);

    /// <summary>
    /// Applies <paramref name="rows"/>[i] to batch row i, leaving rows whose entry is null or empty unchanged. The
    /// hook then only accepts batches with exactly that many rows.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="ForAllRows"/>, or no rows at all.</exception>
    public static InterventionHook PerRow(SparseAutoencoder? sae, IReadOnlyList<IReadOnlyList<Intervention>?> rows, InterventionPositions positions = InterventionPositions.Every)
    {
        if (rows.Count == 0) throw new ArgumentException("per-row interventions need at least one row", nameof(rows));
        return new(sae, rows, shared: false, positions);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The activation's width differs from the SAE's, or (per-row form) its batch size from the rows given.</exception>
    public Tensor Apply(Tensor activation, HookContext context)
    {
        if (activation.dim() != 3 || activation.shape[2] != Width)
            throw new ArgumentException(
                $"SAE interventions of width {Width} at {context.Point} got an activation of shape [{string.Join(", ", activation.shape)}] (expected [batch, tokens, {Width}])",
                nameof(activation));
        if (!_shared && activation.shape[0] != _plans.Length)
            throw new ArgumentException($"per-row interventions were given {_plans.Length} rows but the batch at {context.Point} has {activation.shape[0]}", nameof(activation));
        if (Positions == InterventionPositions.GeneratedOnly && context.IsPrefill) return activation;

        using var scope = NewDisposeScope();
        var device = activation.device;
        // Rows without an add keep their exact bits (see RowDeltas).
        var result = _adds?.AddTo(activation) ?? activation;

        if (_clampedLatents.Length > 0)
        {
            // f_i(h) of the clamped latents, read from the unedited activation as the full path would.
            var current = (_clampReader is { } reader ? reader.Encode(activation) : _sae!.EncodeLatents(activation, _clampedLatents))
                .to_type(ScalarType.Float32);
            var shift = _clampTargets!.On(device).add(current, Scalars.MinusOne); // v_i − f_i(h)
            var coefficients = where(_clampMask!.On(device), shift, zeros_like(shift));
            var change = coefficients.matmul(_clampDirections!.to(device));
            var edited = result.to_type(ScalarType.Float32).add(change, Scalars.One).to_type(activation.dtype);
            result = where(_rowClamped!.On(device), edited, result);
        }

        return ReferenceEquals(result, activation) ? activation : result.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the copies of the clamped latents' weights and the device copies of the deltas (the SAE itself stays the caller's).</summary>
    public void Dispose()
    {
        _clampReader?.Dispose();
        _clampDirections?.Dispose();
        _adds?.Dispose();
        _clampTargets?.Dispose();
        _clampMask?.Dispose();
        _rowClamped?.Dispose();
    }

    /// <summary>One row's interventions reduced to what the forward pass needs.</summary>
    /// <param name="Added">The sum of boosts × directions and plain vectors, float32 [d]; null when there is none.</param>
    /// <param name="Clamps">Clamped latent → its final clamp value (ablations are clamps to 0).</param>
    private sealed record Plan(float[]? Added, IReadOnlyDictionary<int, float> Clamps)
    {
        public static Plan Of(IReadOnlyList<Intervention> interventions, SparseAutoencoder? sae, int width, int row)
        {
            float[]? added = null;
            var clamps = new Dictionary<int, float>();
            SparseAutoencoder Sae(int latent)
            {
                if (sae is null) throw new ArgumentException($"row {row}: latent {latent} is named but no SAE was given");
                if (latent < 0 || latent >= sae.LatentCount)
                    throw new ArgumentException($"row {row}: latent {latent} is outside the SAE {sae.Source} (0 to {sae.LatentCount - 1})");
                return sae;
            }
            void Add(IReadOnlyList<float> vector, float scale)
            {
                added ??= new float[width];
                for (var i = 0; i < width; i++) added[i] += scale * vector[i];
            }
            foreach (var intervention in interventions)
            {
                switch (intervention)
                {
                    case AddLatent add:
                        Add(Sae(add.Latent).DecoderDirection(add.Latent), add.Value);
                        break;
                    case ClampLatent clamp:
                        Sae(clamp.Latent);
                        clamps[clamp.Latent] = clamp.Value;
                        break;
                    case AblateLatents ablate:
                        foreach (var latent in ablate.Latents)
                        {
                            Sae(latent);
                            clamps[latent] = 0f;
                        }
                        break;
                    case AddVector vector:
                        if (vector.Vector.Count != width)
                            throw new ArgumentException($"row {row}: a plain vector has {vector.Vector.Count} elements but the activation is {width} wide");
                        Add(vector.Vector, 1f);
                        break;
                    default:
                        throw new ArgumentException($"row {row}: unknown intervention {intervention.GetType().Name}");
                }
            }
            return new Plan(added, clamps);
        }
    }
}
