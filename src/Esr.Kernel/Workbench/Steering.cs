using System.Globalization;
using Esr.Kernel.Formats;
using Esr.Kernel.Interventions;

namespace Esr.Kernel;

/// <summary>
/// Steering as a value: SAE interventions at the attached SAE's steering point (adds, clamps and ablations, with the
/// paper's semantics: clamps first, adds on top, the SAE error kept; ESR_SPEC §1.3) and plain vectors at blocks.
/// Build it from the strings the CLI takes (<see cref="Parse(string?, string?, string?)"/>) or in code (<see cref="Add"/>, <see cref="Clamp"/>,
/// <see cref="Ablate"/>, <see cref="Vector"/>), and combine with <c>+</c>. Latent indices are checked against an SAE
/// when the steering is used.
/// </summary>
public sealed record Steering
{
    /// <summary>No steering.</summary>
    public static Steering None { get; } = new();

    /// <summary>The SAE interventions, in order.</summary>
    public IReadOnlyList<Intervention> Interventions { get; init; } = [];

    /// <summary>The plain vectors, in order.</summary>
    public IReadOnlyList<SteeringVector> Vectors { get; init; } = [];

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Interventions.Count == 0 && Vectors.Count == 0;

    /// <summary>Boosts a latent by <paramref name="value"/> (value × its decoder direction is added).</summary>
    public static Steering Add(int latent, double value) => new() { Interventions = [new AddLatent(Latent(latent), Finite(value, "Steering.Add"))] };

    /// <summary>Holds a latent's activation at <paramref name="value"/>, keeping the SAE's reconstruction error.</summary>
    public static Steering Clamp(int latent, double value) => new() { Interventions = [new ClampLatent(Latent(latent), Finite(value, "Steering.Clamp"))] };

    /// <summary>Clamps latents to 0.</summary>
    public static Steering Ablate(params int[] latents) => new() { Interventions = [new AblateLatents(latents.Select(Latent).ToArray())] };

    /// <summary>Adds a plain vector after block <paramref name="block"/>.</summary>
    public static Steering Vector(int block, IReadOnlyList<float> values)
    {
        if (block < 0) throw new EsrInputException($"Steering.Vector: block {block} is negative");
        if (values.Count == 0 || values.Any(value => !float.IsFinite(value)))
            throw new EsrInputException($"Steering.Vector at block {block}: expected a non-empty vector of finite numbers");
        return new() { Vectors = [new SteeringVector(block, values.ToArray())] };
    }

    /// <summary>Adds the float32 vector of a .npy file (shape [d_model]) after block <paramref name="block"/>; the file is read now.</summary>
    /// <exception cref="EsrInputException">The block is negative, or the file is missing, not a float32 vector, empty or not finite (the message names the file and field).</exception>
    public static Steering VectorFile(int block, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var vector = Vector(block, NpyVector.Read(path)).Vectors[0];
        return new() { Vectors = [vector with { Source = path }] };
    }

    /// <summary>Both steerings: this one's interventions and vectors, then <paramref name="right"/>'s.</summary>
    public static Steering operator +(Steering left, Steering right) => new()
    {
        Interventions = [.. left.Interventions, .. right.Interventions],
        Vectors = [.. left.Vectors, .. right.Vectors],
    };

    /// <summary>
    /// Reads the CLI's option values: <paramref name="steer"/> "754=12.5,300=4" (add), <paramref name="clamp"/> "12=0.5"
    /// (clamp), <paramref name="ablate"/> "12,13" (clamp to 0); null or omitted for none. Adds come first, then clamps,
    /// then ablations.
    /// </summary>
    /// <exception cref="EsrInputException">A value is malformed, not finite, or names a latent twice within one option.</exception>
    public static Steering Parse(string? steer = null, string? clamp = null, string? ablate = null)
    {
        var interventions = new List<Intervention>();
        foreach (var (latent, value) in LatentValues("--steer", steer)) interventions.Add(new AddLatent(latent, value));
        foreach (var (latent, value) in LatentValues("--clamp", clamp)) interventions.Add(new ClampLatent(latent, value));
        if (ablate is not null) interventions.Add(new AblateLatents(Distinct("--ablate", ablate, ParseLatents("--ablate", ablate))));
        return new Steering { Interventions = interventions };
    }

    /// <summary>
    /// Reads repeatable option values, each on its own as <see cref="Parse(string?, string?, string?)"/> reads one: every
    /// <paramref name="steer"/> and <paramref name="clamp"/> value is latent=value pairs, every <paramref name="ablate"/>
    /// value one ablation of a latent list, every <paramref name="vectors"/> value <c>L:file.npy</c> (read now,
    /// <see cref="VectorFile"/>). Adds come first, then clamps, ablations and vectors, each in the order given; null
    /// stands for no values.
    /// </summary>
    /// <exception cref="EsrInputException">A value is malformed or a vector file cannot be used; the message names the option (--steer, --clamp, --ablate, --steer-vector).</exception>
    public static Steering Parse(IEnumerable<string>? steer, IEnumerable<string>? clamp, IEnumerable<string>? ablate, IEnumerable<string>? vectors)
    {
        var parts = (steer ?? []).Select(value => Parse(steer: value))
            .Concat((clamp ?? []).Select(value => Parse(clamp: value)))
            .Concat((ablate ?? []).Select(value => Parse(ablate: value)))
            .Concat((vectors ?? []).Select(VectorOption));
        return parts.Aggregate(None, (all, part) => all + part);
    }

    /// <summary>
    /// Reads a comma-separated latent list as an option gives it ("12, 345"); a latent may appear twice. For the
    /// latent options of front ends (e.g. <c>--latents</c>).
    /// </summary>
    /// <param name="option">The option, named in errors.</param>
    /// <param name="text">The value.</param>
    /// <exception cref="EsrInputException">An item is empty or not a non-negative integer.</exception>
    public static int[] ParseLatents(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Items(option, text, "comma-separated latents, e.g. 12,345").Select(part => LatentOf(option, text, part)).ToArray();
    }

    /// <summary>One <c>--steer-vector L:file.npy</c>: the block before the first colon (a path may hold colons), the file after it.</summary>
    private static Steering VectorOption(string value)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
            throw new EsrInputException($"--steer-vector '{value}' is not L:file.npy (a block index, a colon, a .npy file)");
        var block = value[..colon];
        if (!int.TryParse(block, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new EsrInputException($"--steer-vector '{value}': the block '{block}' is not a non-negative integer");
        return VectorFile(index, value[(colon + 1)..]);
    }

    /// <summary>Every latent the interventions name.</summary>
    internal IEnumerable<int> Latents() => Interventions.SelectMany(intervention => intervention switch
    {
        AddLatent add => [add.Latent],
        ClampLatent clamp => [clamp.Latent],
        AblateLatents ablate => ablate.Latents,
        _ => Array.Empty<int>(),
    });

    /// <inheritdoc />
    public bool Equals(Steering? other) =>
        other is not null && Interventions.Count == other.Interventions.Count && Vectors.Count == other.Vectors.Count
        && Interventions.Zip(other.Interventions).All(pair => Same(pair.First, pair.Second))
        && Vectors.Zip(other.Vectors).All(pair => pair.First.Block == pair.Second.Block && pair.First.Values.SequenceEqual(pair.Second.Values));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Interventions.Count, Vectors.Count, ToString());

    /// <summary>The steering in the CLI's words, e.g. "steer 754=12.5 clamp 12=0 ablate 3,4 vector@blocks.5".</summary>
    public override string ToString()
    {
        if (IsEmpty) return "none";
        string N(float value) => value.ToString("R", CultureInfo.InvariantCulture);
        var parts = Interventions.Select(intervention => intervention switch
        {
            AddLatent add => $"steer {add.Latent}={N(add.Value)}",
            ClampLatent clamp => $"clamp {clamp.Latent}={N(clamp.Value)}",
            AblateLatents ablate => $"ablate {string.Join(',', ablate.Latents)}",
            AddVector vector => $"vector[{vector.Vector.Count}]",
            var other => other.GetType().Name,
        }).Concat(Vectors.Select(vector => $"vector@blocks.{vector.Block}"));
        return string.Join(' ', parts);
    }

    private static bool Same(Intervention left, Intervention right) => (left, right) switch
    {
        (AblateLatents a, AblateLatents b) => a.Latents.SequenceEqual(b.Latents),
        (AddVector a, AddVector b) => a.Vector.SequenceEqual(b.Vector),
        _ => left.Equals(right),
    };

    private static IEnumerable<(int Latent, float Value)> LatentValues(string option, string? text)
    {
        if (text is null) return [];
        var pairs = Items(option, text, "latent=value pairs, e.g. 754=12.5,300=4").Select(part =>
        {
            var equals = part.IndexOf('=');
            if (equals <= 0 || equals == part.Length - 1)
                throw new EsrInputException($"{option} '{text}': '{part}' is not latent=value (e.g. 754=12.5)");
            var valueText = part[(equals + 1)..].Trim();
            if (!float.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                throw new EsrInputException($"{option} '{text}': the value '{valueText}' is not a finite number");
            return (Latent: LatentOf(option, text, part[..equals]), Value: value);
        }).ToArray();
        Distinct(option, text, pairs.Select(pair => pair.Latent).ToArray());
        return pairs;
    }

    private static string[] Items(string option, string text, string expected)
    {
        var parts = text.Split(',').Select(part => part.Trim()).ToArray();
        if (parts.Any(part => part.Length == 0))
            throw new EsrInputException($"{option} '{text}' has an empty item (expected {expected})");
        return parts;
    }

    private static int LatentOf(string option, string whole, string part)
    {
        part = part.Trim();
        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var latent))
            throw new EsrInputException($"{option} '{whole}': the latent '{part}' is not a non-negative integer");
        return latent;
    }

    private static int[] Distinct(string option, string text, int[] latents)
    {
        if (latents.GroupBy(latent => latent).FirstOrDefault(group => group.Count() > 1) is { } twice)
            throw new EsrInputException($"{option} '{text}': latent {twice.Key} is given twice");
        return latents;
    }

    private static int Latent(int latent) =>
        latent >= 0 ? latent : throw new EsrInputException($"Steering: latent {latent} is negative (latents are SAE indices from 0)");

    private static float Finite(double value, string what) =>
        double.IsFinite(value) && Math.Abs(value) <= float.MaxValue
            ? (float)value
            : throw new EsrInputException($"{what}: the value {value.ToString(CultureInfo.InvariantCulture)} is not a finite number");
}
