using System.Text.Json.Nodes;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>
/// Regrades the sampled trials with each cross-judge using the same judge request as the original grade (the
/// original prompt, response and latent label), and writes <c>sample_metadata_&lt;ts&gt;.json</c> and one
/// <c>regraded_&lt;alias&gt;_&lt;ts&gt;.json</c> per judge (ESR_SPEC §6 Exp 7 field names, plus
/// <c>judge_prompt_sha256</c>, the <see cref="JudgePrompt.Sha256"/> of the texts that judge was sent; the alias made a
/// <see cref="SafeFileName"/>, so "meta-llama/x" names a file, not a subfolder).
/// </summary>
public static class CrossJudgeRegrader
{
    /// <summary>
    /// The cross-judges the paper reports beside its Haiku 4.5 original (5 judges in all): GPT-5-Mini, Qwen3-32B,
    /// Gemini-2.5-Flash and Claude Sonnet 4.5. (The script itself ran every alias without "haiku", a list that
    /// also holds gemini-2.0-flash, gemini-2.5-pro, gemini-3-flash and sonnet twice.)
    /// </summary>
    public static IReadOnlyList<string> PaperJudgeAliases { get; } = ["gpt-5-mini", "qwen3-32b", "gemini-2.5-flash", "sonnet-4.5"];

    /// <summary>Regrades; files are written to <paramref name="outputDirectory"/> when it is not null.</summary>
    /// <param name="sample">The trials.</param>
    /// <param name="judges">The cross-judges, in order.</param>
    /// <param name="outputDirectory">The <c>cross_judge_results</c> folder, or null to write nothing.</param>
    /// <param name="time">The run's time, for the timestamps.</param>
    /// <param name="maxConcurrency">Judge calls in flight per judge (the paper: 100).</param>
    /// <param name="cancellationToken">Stops the remaining calls.</param>
    public static async Task<IReadOnlyList<RegradedSet>> RegradeAsync(
        CrossJudgeSample sample, IReadOnlyList<CrossJudgeEntry> judges, string? outputDirectory, DateTimeOffset time,
        int maxConcurrency = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(judges);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        var stamp = JsonResultFile.Timestamp(time);
        if (outputDirectory is not null)
            JsonResultFile.Write(Path.Combine(outputDirectory, $"sample_metadata_{stamp}.json"), Metadata(sample, stamp));

        var sets = new List<RegradedSet>();
        foreach (var entry in judges)
        {
            using var gate = new SemaphoreSlim(maxConcurrency);
            var grades = await Task.WhenAll(sample.Trials.Select(async sampled =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var t = sampled.Trial;
                    return await entry.Judge.JudgeAsync(new JudgeRequest(t.Prompt, t.Response, t.LatentLabel), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
            var set = new RegradedSet(entry.Alias, entry.Judge.Name, sample.Trials.Zip(grades, (s, g) => new RegradedTrial(s, g)).ToList());
            sets.Add(set);
            if (outputDirectory is not null)
                JsonResultFile.Write(SafeFileName.Inside(outputDirectory, $"regraded_{SafeFileName.From(entry.Alias)}_{stamp}.json"), Regraded(set, entry.Judge.Prompt, stamp));
        }
        return sets;
    }

    private static JsonObject Metadata(CrossJudgeSample sample, string stamp) => new()
    {
        ["timestamp"] = stamp,
        ["n_samples"] = sample.Trials.Count,
        ["self_correction_count"] = sample.SelfCorrectionCount,
        ["models"] = new JsonArray(sample.Models.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
        ["seed"] = sample.Options.Seed,
        ["source_files"] = new JsonObject(sample.SourceFiles.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
    };

    private static JsonObject Regraded(RegradedSet set, JudgePrompt prompt, string stamp) => new()
    {
        ["model_name"] = set.Alias,
        ["model_id"] = set.ModelId,
        ["judge_prompt_sha256"] = prompt.Sha256,
        ["timestamp"] = stamp,
        ["n_samples"] = set.Results.Count,
        ["n_errors"] = set.Errors,
        ["results"] = new JsonArray(set.Results.Select(r => (JsonNode)new JsonObject
        {
            ["source_file"] = r.Sampled.Trial.SourceFile ?? "",
            ["feature_index"] = r.Sampled.Trial.Latent,
            ["feature_label"] = r.Sampled.Trial.LatentLabel,
            ["prompt"] = r.Sampled.Trial.Prompt,
            ["seed"] = r.Sampled.Trial.Seed,
            ["has_self_correction"] = r.Sampled.HasSelfCorrection,
            ["original_score"] = r.Sampled.Trial.Verdict is { } v ? JsonResultFile.Grade(v) : null,
            ["new_score"] = JsonResultFile.Grade(r.NewGrade),
        }).ToArray()),
    };
}
