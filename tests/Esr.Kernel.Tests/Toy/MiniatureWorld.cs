using Esr.Kernel.Models;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary>A miniature model shape and synthetic sequences with a learnable rule, for fast training tests.</summary>
internal static class MiniatureWorld
{
    public const int Vocabulary = 24;

    public static ModelConfig Config => new()
    {
        Architecture = ModelArchitecture.Llama,
        VocabularySize = Vocabulary,
        HiddenSize = 32,
        IntermediateSize = 64,
        LayerCount = 2,
        HeadCount = 4,
        KeyValueHeadCount = 4,
        HeadDimension = 8,
        RmsNormEpsilon = 1e-5,
        RopeTheta = 10000,
        TieWordEmbeddings = true,
        MaxPositionEmbeddings = 64,
        SlidingLayers = [false, false],
    };

    /// <summary>
    /// Sequences "1, a, a+s, a+2s, …" (mod 20, offset 4) of varying length: the next token follows from the two before
    /// it. The first two tokens are masked from the loss (they are not predictable).
    /// </summary>
    public static IReadOnlyList<TrainingSequence> Sequences(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int start = random.Next(20), stride = 1 + random.Next(3), length = 8 + random.Next(8);
            var ids = new int[length];
            ids[0] = 1;
            for (var i = 1; i < length; i++) ids[i] = 4 + (start + (i - 1) * stride) % 20;
            var mask = ids.Select((_, i) => i >= 3).ToArray();
            return new TrainingSequence(ids, mask);
        }).ToArray();
    }
}
