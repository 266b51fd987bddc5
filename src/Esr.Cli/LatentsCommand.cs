using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Esr.Kernel.Saes;

namespace Esr.Cli;

/// <summary><c>esr latents</c>: the most active SAE latents at each token of a text.</summary>
internal static class LatentsCommand
{
    public static Command Create(TextWriter output)
    {
        var load = new ModelOptions(extraHeader: false, sae: true, saeUse: "reads");
        var text = new Option<string>("--text")
        {
            Description = "The text, encoded as is with the special tokens (e.g. BOS) the tokenizer's post-processor adds",
            Required = true,
        };
        var top = CliOptions.Integer("--top", 5, "Latents listed per token (those at 0 are left out)", minimum: 1);
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per token, instead of text lines" };
        var command = new Command("latents",
            "List, per token of --text, the SAE latents most active where the SAE reads (blocks.L.resid_post): one line per token "
            + "(position, token id, token text, latent:activation pairs strongest first), or JSON")
        {
            text, top, json,
        };
        foreach (var option in load.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            using var model = load.Load(parse);
            var ids = model.TextIds(parse.GetRequiredValue(text));
            var k = parse.GetValue(top);
            var trace = model.ReadLatents(ids, k);
            var strongest = trace.Top(k);
            if (parse.GetValue(json)) WriteJson(output, ids, trace.TokenTexts!, strongest);
            else WriteText(output, ids, trace.TokenTexts!, strongest);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteText(TextWriter output, int[] ids, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<LatentActivation>> top)
    {
        var quoting = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        for (var position = 0; position < ids.Length; position++)
        {
            var token = JsonSerializer.Serialize(texts[position], quoting);
            var latents = string.Join(" ", top[position].Select(a => $"{a.Latent}:{a.Value.ToString("R", CultureInfo.InvariantCulture)}"));
            output.WriteLine($"{position}\t{ids[position]}\t{token}\t{latents}");
        }
    }

    private static void WriteJson(TextWriter output, int[] ids, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<LatentActivation>> top)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            for (var position = 0; position < ids.Length; position++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("position", position);
                writer.WriteNumber("token_id", ids[position]);
                writer.WriteString("token", texts[position]);
                writer.WriteStartArray("latents");
                foreach (var activation in top[position])
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("latent", activation.Latent);
                    writer.WriteNumber("activation", activation.Value);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
