using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using Esr.Kernel.Text;

namespace Esr.Cli;

/// <summary><c>esr generate</c>: one completion, streamed as text or returned as one JSON object.</summary>
internal static class GenerateCommand
{
    public static Command Create(TextWriter output)
    {
        var model = CliOptions.ModelDirectory();
        var prompt = new Option<string>("--prompt") { Description = "The user message (or, with --raw, the whole prompt text)", Required = true };
        var maxTokens = CliOptions.Integer("--max-tokens", 256, "The most tokens to generate (the stop token not counted)", minimum: 0);
        var temperature = CliOptions.Number("--temperature", 0.6, "Sampling temperature; 0 is greedy (the paper always used 0.6)",
            value => value >= 0 && double.IsFinite(value), "a finite number >= 0");
        var topP = CliOptions.Number("--top-p", 1.0, "Nucleus sampling mass; 1 keeps every token",
            value => value > 0 && value <= 1, "in (0, 1]");
        var repetitionPenalty = CliOptions.Number("--repetition-penalty", 1.0,
            "vLLM repetition penalty on every id in the prompt or output (positive logits divided, negative multiplied); 1 is off",
            value => value > 0 && double.IsFinite(value), "a finite number > 0");
        var seed = CliOptions.Integer("--seed", 0, "Seed of the request's random stream");
        var raw = new Option<bool>("--raw")
        {
            Description = "No chat template: encode the prompt as is, with the special tokens (e.g. BOS) the tokenizer's post-processor adds",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object (prompt, completion, token ids, finish reason, settings) instead of streaming text",
        };
        var paperExtraHeader = PromptText.PaperExtraHeaderOption();
        var paperFinalNorm = PaperFinalNorm.Option();
        var steer = CliOptions.SteerVectors();
        var dtype = CliOptions.Dtype();
        var sae = new SaeSteeringOptions();
        var command = new Command("generate",
            "Generate a completion of a prompt (as one chat user turn unless --raw), streaming the text followed by a newline; "
            + "stops at the model's end-of-turn tokens; special tokens are left out of the text")
        {
            model, prompt, maxTokens, temperature, topP, repetitionPenalty, seed, raw, json, paperExtraHeader, paperFinalNorm, steer, dtype,
        };
        foreach (var option in sae.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new Settings(
                parse.GetRequiredValue(model), parse.GetRequiredValue(prompt), parse.GetValue(raw), parse.GetValue(paperExtraHeader),
                parse.GetValue(paperFinalNorm), new SamplingOptions(parse.GetValue(temperature), parse.GetValue(topP), parse.GetValue(repetitionPenalty), parse.GetValue(maxTokens)),
                parse.GetValue(seed), parse.GetRequiredValue(dtype), SteerVector.ReadAll(parse.GetValue(steer)), sae.Read(parse));
            return Task.FromResult(Run(settings, parse.GetValue(json), output, cancellationToken));
        });
        return command;
    }

    /// <summary>What a generation was asked for; echoed in the JSON output.</summary>
    private sealed record Settings(
        string ModelDirectory, string Prompt, bool Raw, bool PaperExtraHeader, bool PaperFinalNorm, SamplingOptions Sampling, int Seed, string Dtype,
        IReadOnlyList<SteerVector> SteerVectors, SaeSteering? Sae);

    private static int Run(Settings settings, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = settings.ModelDirectory;
        ModelLoading.RequireDirectory(directory);
        using var tokenizer = TextTokenizer.Load(directory);
        var promptIds = settings.Raw
            ? tokenizer.Encode(settings.Prompt, addSpecialTokens: true)
            : tokenizer.Encode(PromptText.Render(directory, settings.Prompt, settings.PaperExtraHeader), addSpecialTokens: false);
        if (promptIds.Length == 0)
            throw new EsrInputException("--prompt encodes to no tokens (an empty --raw prompt with a tokenizer that adds no BOS)");
        var stopTokenIds = StopTokens.FromModelDirectory(directory, tokenizer);

        using var model = ModelLoading.Load(directory, CliOptions.ScalarTypeOf(settings.Dtype));
        // Every id the model can produce must decode, and every prompt id must be an embedding row.
        if (model.Config.VocabularySize > tokenizer.VocabularySize)
            throw new EsrInputException(
                $"{Path.Combine(directory, "config.json")}: vocab_size {model.Config.VocabularySize} is larger than the tokenizer's {tokenizer.VocabularySize} ids");
        PaperFinalNorm.Apply(model, settings.PaperFinalNorm, "--paper-final-norm");
        var hooks = SteerVector.Hooks(settings.SteerVectors, model.Config);
        IDisposable? owned = null;
        if (settings.Sae is not null) (hooks, owned) = settings.Sae.AddTo(hooks, model);
        using var saeHook = owned;
        var request = new GenerationRequest(promptIds, settings.Sampling, settings.Seed, stopTokenIds);

        var streamer = json ? null : new CompletionStreamer(tokenizer, output);
        var result = new BatchGenerator(model).Generate([request], hooks, token => streamer?.Add(token.TokenId), cancellationToken)[0];
        var completion = tokenizer.Decode(result.TokenIds);
        if (streamer is not null)
        {
            streamer.Finish(completion);
            output.WriteLine();
            return ExitCodes.Success;
        }
        WriteJson(output, settings, promptIds, completion, result, stopTokenIds);
        return ExitCodes.Success;
    }

    private static void WriteJson(
        TextWriter output, Settings settings, IReadOnlyList<int> promptIds, string completion, GenerationResult result, IReadOnlySet<int> stopTokenIds)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps "<|eot_id|>" and non-ASCII text readable; the output is still valid JSON.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("prompt", settings.Prompt);
            WriteIds(writer, "prompt_token_ids", promptIds);
            writer.WriteString("completion", completion);
            WriteIds(writer, "token_ids", result.TokenIds);
            writer.WriteString("finish_reason", result.FinishReason == FinishReason.Stop ? "stop" : "length");
            writer.WriteStartObject("settings");
            writer.WriteString("model", settings.ModelDirectory);
            writer.WriteBoolean("raw", settings.Raw);
            writer.WriteBoolean("paper_extra_header", settings.PaperExtraHeader);
            writer.WriteBoolean("paper_final_norm", settings.PaperFinalNorm);
            writer.WriteNumber("temperature", settings.Sampling.Temperature);
            writer.WriteNumber("top_p", settings.Sampling.TopP);
            writer.WriteNumber("repetition_penalty", settings.Sampling.RepetitionPenalty);
            writer.WriteNumber("max_tokens", settings.Sampling.MaxNewTokens);
            writer.WriteNumber("seed", settings.Seed);
            writer.WriteString("dtype", settings.Dtype);
            WriteIds(writer, "stop_token_ids", stopTokenIds.Order().ToArray());
            writer.WriteStartArray("steer_vectors");
            foreach (var vector in settings.SteerVectors)
            {
                writer.WriteStartObject();
                writer.WriteNumber("block", vector.Block);
                writer.WriteString("file", vector.File);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WriteSae(writer, settings.Sae);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteSae(Utf8JsonWriter writer, SaeSteering? sae)
    {
        if (sae is null)
        {
            writer.WriteNull("sae");
            return;
        }
        writer.WriteStartObject("sae");
        writer.WriteString("path", sae.SaePath);
        writer.WriteNumber("layer", sae.Layer);
        writer.WriteStartArray("interventions");
        foreach (var intervention in sae.Interventions)
        {
            writer.WriteStartObject();
            switch (intervention)
            {
                case Kernel.Interventions.AddLatent add:
                    writer.WriteString("mode", "add");
                    writer.WriteNumber("latent", add.Latent);
                    writer.WriteNumber("value", add.Value);
                    break;
                case Kernel.Interventions.ClampLatent clamp:
                    writer.WriteString("mode", "clamp");
                    writer.WriteNumber("latent", clamp.Latent);
                    writer.WriteNumber("value", clamp.Value);
                    break;
                case Kernel.Interventions.AblateLatents ablate:
                    writer.WriteString("mode", "ablate");
                    WriteIds(writer, "latents", ablate.Latents);
                    break;
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, IEnumerable<int> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids) writer.WriteNumberValue(id);
        writer.WriteEndArray();
    }
}
