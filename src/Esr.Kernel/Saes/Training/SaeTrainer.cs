using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Esr.Kernel.Saes.Training;

/// <summary>
/// Trains an SAE on a model's residual stream, ReLU with an L1 penalty or TopK: inputs scaled so that E‖x‖² = 1, decoder rows
/// renormalised to unit length after every step, Adam. The saved weights work on raw activations: the scale is
/// folded into the encoder bias and the decoder bias (f_raw = f / s), so latent values are in residual units.
/// </summary>
public static class SaeTrainer
{
    /// <summary>
    /// The activations at <paramref name="point"/> of every token of <paramref name="sequences"/>, one row per token
    /// in sequence order: [tokens, d_model] float32, with the token id of each row.
    /// </summary>
    public static (Tensor Activations, int[] TokenIds) CollectActivations(
        CausalLanguageModel model, IReadOnlyList<int[]> sequences, HookPoint point, int batchSize = 64, CancellationToken cancellationToken = default)
    {
        var rows = new List<float[]>();
        var ids = new List<int>();
        for (var start = 0; start < sequences.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = sequences.Skip(start).Take(batchSize).ToArray();
            var length = batch.Max(sequence => sequence.Length);
            var flat = new long[batch.Length * length];
            var mask = new bool[batch.Length * length];
            for (var row = 0; row < batch.Length; row++)
            {
                for (var i = 0; i < batch[row].Length; i++)
                {
                    flat[row * length + i] = batch[row][i];
                    mask[row * length + i] = true;
                }
            }
            using var scope = NewDisposeScope();
            var recorder = new ActivationRecorder();
            using var cache = model.NewCache(batch.Length, length);
            model.Forward(tensor(flat, [batch.Length, (long)length]), tensor(mask, [batch.Length, (long)length]), cache,
                new ActivationHooks().Add(point, recorder));
            foreach (var recorded in recorder.Rows) rows.AddRange(recorded);
            foreach (var sequence in batch) ids.AddRange(sequence);
        }
        var width = model.Config.HiddenSize;
        var data = new float[rows.Count * width];
        for (var i = 0; i < rows.Count; i++) rows[i].CopyTo(data, i * width);
        return (tensor(data, [rows.Count, (long)width]), ids.ToArray());
    }

    /// <summary>Trains an SAE on activations [tokens, d_in] (float32).</summary>
    public static TrainedSae Train(
        Tensor activations, SaeTrainingSettings settings, IProgress<TrainingLogEntry>? progress = null, CancellationToken cancellationToken = default)
    {
        if (activations.dim() != 2) throw new ArgumentException($"activations must be [tokens, d_in], got [{string.Join(", ", activations.shape)}]", nameof(activations));
        long tokens = activations.shape[0], width = activations.shape[1];
        if (settings.Latents < 1 || settings.Steps < 1 || settings.BatchSize < 1)
            throw new ArgumentException($"Latents, Steps and BatchSize must be at least 1 (got {settings.Latents}, {settings.Steps}, {settings.BatchSize})", nameof(settings));
        using var l1 = settings.L1Coefficient.ToScalar();
        var scale = 1 / Math.Sqrt(activations.to_type(ScalarType.Float64).mul(activations.to_type(ScalarType.Float64)).sum(1).mean().item<double>());
        using var scaleScalar = scale.ToScalar();
        using var unscale = (1 / scale).ToScalar();
        using var scaled = activations.to_type(ScalarType.Float32).mul(scaleScalar);

        using var generator = new Generator((ulong)settings.Seed);
        var random = new Random(settings.Seed);
        Parameter decoder, encoder, encoderBias, decoderBias;
        using (no_grad())
        {
            using var initial = randn([settings.Latents, width], generator: generator);
            using var unit = initial.div(initial.norm(1, keepdim: true));
            decoder = new Parameter(unit.clone(), requires_grad: true);
            encoder = new Parameter(unit.t().contiguous(), requires_grad: true);
            encoderBias = new Parameter(zeros(settings.Latents), requires_grad: true);
            decoderBias = new Parameter(scaled.mean([0]), requires_grad: true);
        }
        Parameter[] parameters = [encoder, encoderBias, decoder, decoderBias];
        try
        {
            using var optimizer = optim.Adam(parameters, settings.LearningRate);
            // Per latent, the step it last fired at: a TopK SAE's latents silent for DeadAfterSteps get the AuxK loss.
            using var lastFired = zeros(settings.Latents, ScalarType.Int64);
            var step = 0L;
            TrainingLoop.Run(optimizer, settings.Steps, settings.LearningRateAt, settings.LogEvery, () =>
            {
                var picks = Enumerable.Range(0, settings.BatchSize).Select(_ => (long)random.NextInt64(tokens)).ToArray();
                optimizer.zero_grad();
                var batch = scaled.index_select(0, tensor(picks));
                var preActivations = batch.matmul(encoder).add(encoderBias, Scalars.One);
                var latents = settings.TopK is { } k ? SparseAutoencoder.KeepLargest(preActivations, k) : nn.functional.relu(preActivations);
                var error = latents.matmul(decoder).add(decoderBias, Scalars.One).add(batch, Scalars.MinusOne);
                var loss = error.mul(error).sum(1).mean();
                if (settings.TopK is null)
                {
                    loss = loss.add(latents.sum(1).mean(), l1);
                }
                else
                {
                    using (no_grad()) lastFired.masked_fill_(latents.gt(Scalars.Zero).any(0), step);
                    var dead = lastFired.lt(step - DeadAfterSteps);
                    var deadCount = dead.sum().item<long>();
                    if (deadCount > 0)
                    {
                        // AuxK (Gao et al. 2024): the dead latents' largest pre-activations reconstruct what the live ones missed.
                        var revived = SparseAutoencoder.KeepLargest(preActivations.masked_fill(dead.logical_not(), Scalars.NegativeInfinity), (int)Math.Min(deadCount, AuxLatents));
                        var residual = revived.matmul(decoder).add(error.detach());
                        loss = loss.add(residual.mul(residual).sum(1).mean().mul(AuxCoefficient));
                    }
                }
                step++;
                loss.backward();
                optimizer.step();
                using (no_grad()) decoder.div_(decoder.norm(1, keepdim: true));
                return loss.item<float>();
            }, progress, cancellationToken);
        }
        catch
        {
            foreach (var parameter in parameters) parameter.Dispose();
            throw;
        }
        using (no_grad())
        {
            // relu(s·x·W + b) / s = relu(x·W + b/s): raw-unit latents; x̂_raw = x̂ / s (and the k largest stay the k largest).
            var trained = new TrainedSae(encoder.detach().clone(), encoderBias.detach().mul(unscale), decoder.detach().clone(), decoderBias.detach().mul(unscale), settings.TopK);
            foreach (var parameter in parameters) parameter.Dispose();
            return trained;
        }
    }

    /// <summary>FVU, mean L0 and dead latents of an SAE on activations [tokens, d_in].</summary>
    public static SaeStatistics Measure(TrainedSae sae, Tensor activations, int chunk = 4096)
    {
        using var _ = no_grad();
        var tokens = (int)activations.shape[0];
        double squaredError = 0, active = 0;
        using var fired = zeros(sae.Encoder.shape[1], ScalarType.Bool);
        using var mean = activations.mean([0]);
        double variance = 0;
        for (var start = 0; start < tokens; start += chunk)
        {
            using var scope = NewDisposeScope();
            var x = activations.narrow(0, start, Math.Min(chunk, tokens - start));
            var latents = Encode(sae, x);
            var error = latents.matmul(sae.Decoder).add(sae.DecoderBias, Scalars.One).add(x, Scalars.MinusOne);
            var centred = x.add(mean, Scalars.MinusOne);
            squaredError += error.mul(error).sum().item<float>();
            variance += centred.mul(centred).sum().item<float>();
            var positive = latents.gt(Scalars.Zero);
            active += positive.sum().item<long>();
            fired.logical_or_(positive.any(0));
        }
        var dead = (int)fired.logical_not().sum().item<long>();
        return new SaeStatistics(squaredError / variance, active / tokens, dead, tokens);
    }

    /// <summary>
    /// f = relu(x·W_enc + b_enc) [tokens, d_sae], for TopK only each token's k largest. Written over the
    /// pre-activations in place, <paramref name="chunk"/> tokens at a time: a toy corpus's latents are gigabytes, and a
    /// copy per operation tripled the build's memory (the values are the same: selection and ReLU do no arithmetic).
    /// </summary>
    public static Tensor Encode(TrainedSae sae, Tensor activations, int chunk = 4096)
    {
        using var _ = no_grad();
        var latents = activations.matmul(sae.Encoder).add_(sae.EncoderBias);
        if (sae.TopK is not { } k) return latents.relu_();
        var tokens = latents.shape[0];
        for (long start = 0; start < tokens; start += chunk)
        {
            using var scope = NewDisposeScope();
            var rows = latents.narrow(0, start, Math.Min(chunk, tokens - start));
            var (values, indexes) = rows.topk(k, dim: 1);
            rows.zero_().scatter_(1, indexes, values.relu_());
        }
        return latents;
    }

    /// <summary>TopK SAEs: a latent silent for this many steps counts as dead and gets the auxiliary loss.</summary>
    private const int DeadAfterSteps = 100;

    /// <summary>TopK SAEs: how many dead latents the auxiliary loss lets reconstruct the error, and its weight.</summary>
    private const int AuxLatents = 256;

    private const double AuxCoefficient = 1.0 / 8;
}
