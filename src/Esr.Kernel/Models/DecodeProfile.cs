using System.Diagnostics;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// Where a decoding step's time goes: the whole step against the linear layers alone (the same matrices, in the same
/// order, on inputs of the step's shape). What remains is everything else: norms, rotary positions, attention over
/// the cache, activations, residual adds, and the per-operation overhead of dispatching them.
/// </summary>
/// <param name="Rows">Rows decoded together.</param>
/// <param name="StepSeconds">Median seconds of one decoding step (a forward pass of one token per row).</param>
/// <param name="LinearSeconds">Median seconds of the step's matrix products alone.</param>
public sealed record DecodeProfile(int Rows, double StepSeconds, double LinearSeconds)
{
    /// <summary>Seconds of a step outside its matrix products.</summary>
    public double OtherSeconds => StepSeconds - LinearSeconds;

    /// <summary>
    /// Measures <paramref name="model"/> decoding <paramref name="rows"/> rows after a prompt of
    /// <paramref name="promptTokens"/> tokens, <paramref name="steps"/> steps timed one by one (the median counts).
    /// </summary>
    public static DecodeProfile Measure(CausalLanguageModel model, int rows, int promptTokens, int steps)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var cache = model.NewCache(rows, promptTokens + steps + 1);
        var random = new Random(5);
        Tensor Tokens(int count) => tensor(Enumerable.Range(0, rows * count).Select(_ => (long)random.Next(model.Config.VocabularySize)).ToArray(), [rows, (long)count]);
        model.Forward(Tokens(promptTokens), null, cache, lastPositionOnly: true).Dispose();
        var stepSeconds = Enumerable.Range(0, steps).Select(_ =>
        {
            using var ids = Tokens(1);
            var clock = Stopwatch.StartNew();
            model.Forward(ids, null, cache, lastPositionOnly: true).Dispose();
            return clock.Elapsed.TotalSeconds;
        }).ToList();

        var projections = model.Projections().ToArray();
        var inputs = projections.Select(weight => randn([rows, 1, weight.shape[1]]).to_type(model.Dtype)).ToArray();
        var linearSeconds = Enumerable.Range(0, steps).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            for (var index = 0; index < projections.Length; index++) NativeLinear.Apply(inputs[index], projections[index]).Dispose();
            return clock.Elapsed.TotalSeconds;
        }).ToList();
        return new DecodeProfile(rows, Median(stepSeconds), Median(linearSeconds));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
