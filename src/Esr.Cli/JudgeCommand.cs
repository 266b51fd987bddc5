using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Esr.Kernel.Judging;

namespace Esr.Cli;

/// <summary>
/// <c>esr judge</c>: grades one response with the ESR judge protocol. The judge is an alias or model id routed as
/// ESR_SPEC §2.3, a model run by this engine (<c>local:&lt;model dir&gt;</c>), or, with <c>--base-url</c>, any
/// OpenAI-compatible server (or an Anthropic-compatible one for a "claude" model). Keys come only from the environment. A judge failure is one stderr line and exit status 1.
/// </summary>
internal static class JudgeCommand
{
    /// <summary>The option that replaces the judge prompt.</summary>
    public const string PromptFileOption = "--prompt-file";

    public static Command Create(TextWriter output)
    {
        var judge = new Option<string>("--judge")
        {
            Description = $"A judge alias ({string.Join(", ", JudgeAliases.Table.Keys)}), a model id, {LocalChatClient.Prefix}<model dir> "
                + $"for a local Llama or Gemma-2 run by this engine, {JudgeFactory.Toy} for the toy world's exact judge or {JudgeFactory.ToyLexical} for its lexical one (no model); "
                + $"the paper's primary judge is {JudgeAliases.PaperPrimary}",
            Required = true,
        };
        var prompt = new Option<string>("--prompt") { Description = "The prompt the steered model answered", Required = true };
        var response = new Option<string>("--response") { Description = "The response to grade", Required = true };
        var label = new Option<string>("--label") { Description = "The label of the unrelated (steered) feature", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the verdict as one JSON object" };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "An endpoint's base URL (e.g. http://localhost:11434/v1 for Ollama); the model is sent as given",
            HelpName = "url",
        };
        var keyVariable = new Option<string?>("--api-key-env")
        {
            Description = "With --base-url: the environment variable holding the key (none for a keyless local server)",
            HelpName = "variable",
        };
        var cache = new Option<string?>("--cache") { Description = "A judge cache folder: a cached verdict costs no call", HelpName = "dir" };
        var promptFile = CliOptions.JudgePromptFile(PromptFileOption);
        var maxTokens = CliOptions.Integer("--max-tokens", JudgeClientOptions.OpenAiCompatible.MaxOutputTokens, "The judge's output token cap", minimum: 1);
        var device = CliOptions.Device();
        device.Description = $"Where a {LocalChatClient.Prefix}<model dir> judge computes: cpu, cuda or cuda:N (other judges ignore it; a GPU needs the CUDA build, docs/GPU.md)";
        var command = new Command("judge", "Grade one response with an LLM judge (ESR_SPEC §2)")
        {
            judge, prompt, response, label, json, baseUrl, keyVariable, cache, promptFile, maxTokens, device,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var judgePrompt = JudgeFactory.LoadPrompt(PromptFileOption, parse.GetValue(promptFile));
            var client = JudgeFactory.Create(
                parse.GetRequiredValue(judge), parse.GetValue(baseUrl), parse.GetValue(keyVariable), judgePrompt, parse.GetValue(maxTokens),
                localDevice: parse.GetRequiredValue(device));
            using var owned = client as IDisposable;
            var graded = JudgeFactory.Cached(client, parse.GetValue(cache));
            var request = new JudgeRequest(parse.GetRequiredValue(prompt), parse.GetRequiredValue(response), parse.GetRequiredValue(label));
            var verdict = await graded.JudgeAsync(request, cancellationToken);
            if (!verdict.Succeeded) throw new EsrInputException($"the judge failed: {verdict.Error}");
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    judge = client.Name,
                    attempts = verdict.Attempts?.Select(a => new { attempt_text = a.Text, score = a.Score }),
                    raw_response = verdict.RawReply,
                }));
            }
            else
            {
                var attempts = verdict.Attempts ?? [];
                if (attempts.Count == 0) output.WriteLine("(no attempts)");
                foreach (var (attempt, i) in attempts.Select((a, i) => (a, i)))
                {
                    var score = attempt.Score is { } s ? s.ToString("0.##", CultureInfo.InvariantCulture) : "-";
                    output.WriteLine($"{i + 1}\t{score}\t{attempt.Text}");
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
