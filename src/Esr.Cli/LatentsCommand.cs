using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;
using static TorchSharp.torch;

namespace Esr.Cli;

/// <summary><c>esr latents</c>: the most active SAE latents at each token of a text.</summary>
internal static class LatentsCommand
{
    public static Command Create(TextWriter output)
    {
        var model = CliOptions.ModelDirectory();
        var sae = new Option<string>("--sae") { Description = "SAE: a SAELens folder, a GemmaScope params.npz or a Goodfire .pth/.pt", HelpName = "path", Required = true };
        var layer = CliOptions.Integer("--layer", -1, "Decoder block whose output (blocks.L.resid_post) the SAE reads", minimum: 0);
        var text = new Option<string>("--text")
        {
            Description = "The text, encoded as is with the special tokens (e.g. BOS) the tokenizer's post-processor adds",
            Required = true,
        };
        var top = CliOptions.Integer("--top", 5, "Latents listed per token (those at 0 are left out)", minimum: 1);
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per token, instead of text lines" };
        var dtype = CliOptions.Dtype();
        var command = new Command("latents",
            "List, per token of --text, the SAE latents most active at blocks.L.resid_post: one line per token "
            + "(position, token id, token text, latent:activation pairs strongest first), or JSON")
        {
            model, sae, layer, text, top, json, dtype,
        };
        command.SetAction(parse =>
        {
            var block = parse.GetValue(layer);
            if (block < 0) throw new EsrInputException("--layer <L> is required: the block whose output the SAE reads");
            var directory = parse.GetRequiredValue(model);
            ModelLoading.RequireDirectory(directory);
            using var tokenizer = TextTokenizer.Load(directory);
            var ids = tokenizer.Encode(parse.GetRequiredValue(text), addSpecialTokens: true);
            if (ids.Length == 0) throw new EsrInputException("--text encodes to no tokens");
            using var loaded = ModelLoading.Load(directory, CliOptions.ScalarTypeOf(parse.GetRequiredValue(dtype)));
            using var autoencoder = SaeSteering.LoadFor(parse.GetRequiredValue(sae), block, loaded);
            var strongest = Top(loaded, autoencoder, block, ids, parse.GetValue(top));
            if (parse.GetValue(json)) WriteJson(output, tokenizer, ids, strongest);
            else WriteText(output, tokenizer, ids, strongest);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Per token, its <paramref name="k"/> most active latents, strongest first (the library's own computation).</summary>
    internal static IReadOnlyList<IReadOnlyList<LatentActivation>> Top(CausalLanguageModel model, SparseAutoencoder sae, int block, int[] ids, int k)
    {
        var recorder = new ActivationRecorder();
        model.Logits(ids, new ActivationHooks().Add(HookPoint.ResidPost(block), recorder));
        var rows = recorder.Rows[0];
        using var scope = NewDisposeScope();
        var activations = tensor(rows.SelectMany(row => row).ToArray(), [rows.Count, rows[0].Length]).to_type(sae.Dtype).to(sae.Device);
        return sae.TopLatents(activations, k);
    }

    private static string TokenText(TextTokenizer tokenizer, int id) => tokenizer.Decode([id], skipSpecialTokens: false);

    private static void WriteText(TextWriter output, TextTokenizer tokenizer, int[] ids, IReadOnlyList<IReadOnlyList<LatentActivation>> top)
    {
        for (var position = 0; position < ids.Length; position++)
        {
            var token = JsonSerializer.Serialize(TokenText(tokenizer, ids[position]), new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var latents = string.Join(" ", top[position].Select(a => $"{a.Latent}:{a.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"));
            output.WriteLine($"{position}\t{ids[position]}\t{token}\t{latents}");
        }
    }

    private static void WriteJson(TextWriter output, TextTokenizer tokenizer, int[] ids, IReadOnlyList<IReadOnlyList<LatentActivation>> top)
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
                writer.WriteString("token", TokenText(tokenizer, ids[position]));
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
