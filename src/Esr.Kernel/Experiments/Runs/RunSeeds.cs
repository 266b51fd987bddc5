using System.Security.Cryptography;
using System.Text;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Every random choice of a run derives from its one run seed and a purpose string (e.g. "trial|steered|412|p3|0"),
/// through SHA-256, so a choice depends only on what it is for: a resumed run, a shard and an uninterrupted run
/// draw the same values. The paper drew seeds uniformly from [0, 1 000 000] with an unseeded RNG (ESR_SPEC §1.5,
/// §11 quirk 15); here the range is the same and the seeding is what makes runs repeatable.
/// </summary>
public static class RunSeeds
{
    /// <summary>The largest seed (inclusive), as the paper's seed_start + n_possible_seeds.</summary>
    public const int MaxSeed = 1_000_000;

    /// <summary>A seed uniform in [0, <see cref="MaxSeed"/>] for a purpose.</summary>
    public static int Derive(int runSeed, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{runSeed}|{purpose}"), hash);
        // 64 bits modulo 1 000 001: the bias is below 1e-13.
        return (int)(BitConverter.ToUInt64(hash) % (MaxSeed + 1));
    }

    /// <summary>A random stream for a purpose (sampling latents, prompt lists, ...).</summary>
    public static Random Random(int runSeed, string purpose) => new(Derive(runSeed, purpose));

    /// <summary><paramref name="count"/> distinct items of <paramref name="items"/>, drawn uniformly in draw order.</summary>
    public static IReadOnlyList<T> Sample<T>(IReadOnlyList<T> items, int count, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, items.Count);
        var pool = items.ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }
}
