using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Esr.Kernel.Generation;
using Esr.Kernel.Interventions;

namespace Esr.Kernel;

/// <summary>
/// Writes <see cref="Completion.ToJson"/>: the generation and every setting that made it, keys in snake case; the
/// model-side settings are null for a completion built by hand (no <see cref="Completion.Model"/>).
/// </summary>
internal static class CompletionJson
{
    public static string Write(Completion completion)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps "<|eot_id|>" and non-ASCII text readable; the output is still valid JSON.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var (settings, model) = (completion.Settings, completion.Model);
            writer.WriteStartObject();
            writer.WriteString("prompt", completion.Prompt);
            WriteIds(writer, "prompt_token_ids", completion.PromptIds);
            writer.WriteString("completion", completion.Text);
            WriteIds(writer, "token_ids", completion.TokenIds);
            writer.WriteString("finish_reason", completion.FinishReason == FinishReason.Stop ? "stop" : "length");
            writer.WriteStartObject("settings");
            writer.WriteString("model", model?.Model);
            writer.WriteBoolean("raw", settings.Raw);
            WriteFlag(writer, "paper_extra_header", model?.Quirks.PaperExtraHeader);
            WriteFlag(writer, "paper_final_norm", model?.Quirks.PaperFinalNorm);
            writer.WriteNumber("temperature", settings.Temperature);
            writer.WriteNumber("top_p", settings.TopP);
            writer.WriteNumber("repetition_penalty", settings.RepetitionPenalty ?? 1.0);
            writer.WriteNumber("max_tokens", settings.MaxTokens);
            writer.WriteNumber("seed", completion.Seed);
            writer.WriteString("dtype", model?.Dtype);
            writer.WriteString("device", model?.Device);
            WriteIds(writer, "stop_token_ids", model?.StopTokenIds ?? []);
            writer.WriteStartArray("steer_vectors");
            foreach (var vector in completion.Steering.Vectors)
            {
                writer.WriteStartObject();
                writer.WriteNumber("block", vector.Block);
                writer.WriteString("file", vector.Source);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WriteSae(writer, model, completion.Steering);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteSae(Utf8JsonWriter writer, ModelSettings? model, Steering steering)
    {
        if (model?.SaePath is null || model.SaePoint is not { } point)
        {
            writer.WriteNull("sae");
            return;
        }
        writer.WriteStartObject("sae");
        writer.WriteString("path", model.SaePath);
        writer.WriteNumber("layer", point.Block);
        writer.WriteStartArray("interventions");
        foreach (var intervention in steering.Interventions)
        {
            writer.WriteStartObject();
            switch (intervention)
            {
                case AddLatent add:
                    writer.WriteString("mode", "add");
                    writer.WriteNumber("latent", add.Latent);
                    writer.WriteNumber("value", add.Value);
                    break;
                case ClampLatent clamp:
                    writer.WriteString("mode", "clamp");
                    writer.WriteNumber("latent", clamp.Latent);
                    writer.WriteNumber("value", clamp.Value);
                    break;
                case AblateLatents ablate:
                    writer.WriteString("mode", "ablate");
                    WriteIds(writer, "latents", ablate.Latents);
                    break;
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    // A completion built by hand knows no model: its model-side settings are null.
    private static void WriteFlag(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } flag) writer.WriteBoolean(name, flag);
        else writer.WriteNull(name);
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, IEnumerable<int> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids) writer.WriteNumberValue(id);
        writer.WriteEndArray();
    }
}
