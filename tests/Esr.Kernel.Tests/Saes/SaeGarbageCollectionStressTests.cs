using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Tests.Generation;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Saes;

/// <summary>Runs alone, with the engine's stress test: forced collections stop every thread of the test process.</summary>
[Collection(GarbageCollectionStressCollection.Name)]
public sealed class SaeGarbageCollectionStressTests
{
    [Fact]
    public async Task Steered_generation_with_a_readout_survives_garbage_collections_during_native_calls()
    {
        // The intervention hook and the readout run native calls every step; like the engine they must hand libtorch
        // only long-lived Scalars, or a collection in mid-call frees one (see Models/Scalars).
        using var loaded = RawCheckpoint.Loaded(maxPositions: 1024);
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu, dIn: RawCheckpoint.Hidden);
        using var steering = InterventionHook.PerRow(sae,
        [
            [new AddLatent(1, 3f)],
            [new AblateLatents([0, 2, 4]), new ClampLatent(6, 2f)],
            null,
            [new ClampLatent(3, 1f), new AddLatent(3, 1f), new AddVector(Enumerable.Repeat(0.1f, RawCheckpoint.Hidden).ToArray())],
        ]);
        using var readout = new LatentReadout(sae, [0, 1, 3, 6]);
        var point = HookPoint.ResidPost(0);
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            var requests = Enumerable.Range(0, 4)
                .Select(row => new GenerationRequest([1 + row, 2, 3], new SamplingOptions(Temperature: 1.0, MaxNewTokens: 500), row, new HashSet<int>()))
                .ToArray();
            var results = new BatchGenerator(loaded.Model).Generate(requests, new ActivationHooks().Add(point, steering).Add(point, readout));
            Assert.All(results, result => Assert.Equal(500, result.TokenIds.Count));
            Assert.All(readout.Traces, trace => Assert.True(trace.Tokens.Count >= 502));
        }
        finally
        {
            stop.Cancel();
            await collector;
        }
    }
}
