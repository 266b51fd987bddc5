using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Generation;

/// <summary>
/// Runs alone: forced collections stop every thread of the test process, and would slow the other tests.
/// </summary>
[Collection(GarbageCollectionStressCollection.Name)]
public sealed class GarbageCollectionStressTests : IDisposable
{
    private readonly RawCheckpoint.LoadedModel _loaded = RawCheckpoint.Loaded(maxPositions: 4096);
    private CausalLanguageModel Model => _loaded.Model;

    public void Dispose() => _loaded.Dispose();
    [Fact]
    public async Task Generation_survives_garbage_collections_during_native_calls()
    {
        // TorchSharp frees temporary Scalars from the finalizer; the engine must never hand one to a native call
        // (see Scalars). Collections forced from another thread make a use-after-free show up quickly.
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(0); // temporary Scalars are young: gen-0 collections find them, and stay cheap with a large heap
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            var requests = Enumerable.Range(0, 4).Select(row => new GenerationRequest([1 + row, 2, 3], new SamplingOptions(Temperature: 1.0, MaxNewTokens: 2000), row, new HashSet<int>())).ToArray();
            var results = new BatchGenerator(Model).Generate(requests);
            Assert.All(results, result => Assert.Equal(2000, result.TokenIds.Count));
        }
        finally
        {
            stop.Cancel();
            await collector;
        }
    }

}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GarbageCollectionStressCollection
{
    public const string Name = "garbage collection stress";
}
