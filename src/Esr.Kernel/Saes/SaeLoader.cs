using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using Esr.Kernel.Formats;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.Kernel.Saes;

/// <summary>
/// Loads SAEs from the three layouts the paper uses: a SAELens folder (cfg.json + sae_weights.safetensors), a
/// GemmaScope <c>params.npz</c>, and a Goodfire PyTorch state dict (<c>.pth</c>/<c>.pt</c>). Shapes always come from
/// the tensors; configuration fields are only checked against them.
/// </summary>
public static class SaeLoader
{
    /// <summary>The weight file of a SAELens folder.</summary>
    public const string SaeLensWeightsFile = "sae_weights.safetensors";

    /// <summary>The configuration file of a SAELens folder.</summary>
    public const string SaeLensConfigFile = "cfg.json";

    /// <summary>Picks the loader by the path: a folder is SAELens, <c>.npz</c> GemmaScope, <c>.pth</c>/<c>.pt</c> Goodfire.</summary>
    /// <param name="path">The folder or file.</param>
    /// <param name="dtype">Float32 or BFloat16 to convert to; null keeps the stored dtype (other float types become float32).</param>
    /// <param name="device">Where the weights go after loading (the model's device); null leaves them on the CPU.</param>
    /// <exception cref="SaeFormatException">The path is missing, of no known layout, or malformed.</exception>
    public static SparseAutoencoder Load(string path, ScalarType? dtype = null, Device? device = null)
    {
        if (!Directory.Exists(path) && !File.Exists(path)) throw new SaeFormatException(path, "no such file or folder");
        var sae = Directory.Exists(path) ? LoadSaeLens(path, dtype) : Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npz" => LoadGemmaScope(path, dtype),
            ".pth" or ".pt" => LoadGoodfire(path, dtype),
            ".safetensors" when Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder => LoadSaeLens(folder, dtype),
            var other => throw new SaeFormatException(path, $"unknown SAE layout '{other}' (expected a SAELens folder, a .npz or a .pth/.pt)"),
        };
        if (device is not null) sae.MoveTo(device);
        return sae;
    }

    /// <summary>
    /// Loads a SAELens folder: cfg.json (<c>architecture</c> standard, jumprelu or topk with <c>k</c>;
    /// <c>apply_b_dec_to_input</c>; <c>normalize_activations</c> must be "none" or absent) and sae_weights.safetensors
    /// (W_enc, b_enc, W_dec, b_dec, and threshold for jumprelu).
    /// </summary>
    /// <exception cref="SaeFormatException">A file is missing or malformed; the message names the file and field.</exception>
    public static SparseAutoencoder LoadSaeLens(string folder, ScalarType? dtype = null)
    {
        var configPath = Path.Combine(folder, SaeLensConfigFile);
        var weightsPath = Path.Combine(folder, SaeLensWeightsFile);
        if (!File.Exists(configPath)) throw new SaeFormatException(configPath, "file not found (a SAELens SAE folder holds cfg.json and sae_weights.safetensors)");
        JsonElement config;
        try
        {
            config = JsonDocument.Parse(File.ReadAllText(configPath)).RootElement;
        }
        catch (JsonException error)
        {
            throw new SaeFormatException(configPath, $"not valid JSON: {error.Message}");
        }
        if (config.ValueKind != JsonValueKind.Object) throw new SaeFormatException(configPath, "expected a JSON object");

        var fields = new JsonFields(configPath, config, (file, problem) => new SaeFormatException(file, problem));
        var normalization = fields.OptionalString("normalize_activations") ?? "none";
        if (normalization != "none")
            throw new SaeFormatException(configPath, $"field 'normalize_activations' is '{normalization}'; only 'none' is supported");
        var architectureName = fields.OptionalString("architecture") ?? "standard";
        var architecture = architectureName switch
        {
            "standard" => SaeArchitecture.Standard,
            "jumprelu" => SaeArchitecture.JumpRelu,
            "topk" => SaeArchitecture.TopK,
            _ => throw new SaeFormatException(configPath, $"field 'architecture' is '{architectureName}' (expected standard, jumprelu or topk)"),
        };
        int? k = architecture == SaeArchitecture.TopK
            ? fields.OptionalPositiveInt("k") ?? fields.OptionalObject("activation_fn_kwargs")?.OptionalPositiveInt("k")
                ?? throw new SaeFormatException(configPath, "field 'k' (or 'activation_fn_kwargs.k') is missing for a topk SAE")
            : null;
        var applyDecoderBias = fields.OptionalBool("apply_b_dec_to_input") ?? false;

        if (!File.Exists(weightsPath)) throw new SaeFormatException(weightsPath, "file not found");
        SafetensorsFile weights;
        try
        {
            weights = SafetensorsFile.Open(weightsPath);
        }
        catch (ModelFormatException error)
        {
            throw new SaeFormatException(weightsPath, error.Message);
        }
        using (weights)
        {
            using var scope = NewDisposeScope();
            Tensor Read(string name)
            {
                if (!weights.Entries.TryGetValue(name, out var entry))
                    throw new SaeFormatException(weightsPath, $"tensor '{name}' is missing (has {string.Join(", ", weights.Entries.Keys)})");
                return weights.Read(name, TargetDtype(weightsPath, name, SafetensorsFile.ScalarTypeOf(entry.Dtype), dtype));
            }
            var sae = new SparseAutoencoder(
                Read("W_enc"), Read("b_enc"), Read("W_dec"), Read("b_dec"), architecture,
                architecture == SaeArchitecture.JumpRelu ? Read("threshold") : null, k, applyDecoderBias, folder);
            CheckConfigWidth(fields, "d_in", sae.InputWidth);
            CheckConfigWidth(fields, "d_sae", sae.LatentCount);
            return sae;
        }
    }

    /// <summary>
    /// Loads a GemmaScope <c>params.npz</c>: a zip of float32 .npy arrays W_enc [d_in, d_sae], b_enc, W_dec
    /// [d_sae, d_in], b_dec and threshold, as a JumpReLU SAE (GemmaScope does not subtract b_dec from the input).
    /// </summary>
    /// <remarks>
    /// Each array streams from its (zip64-capable) entry into its tensor in 64 MiB chunks, so arrays over 2 GB
    /// (GemmaScope 27B at 131k latents: 2.4 GB each for W_enc and W_dec) load without a managed copy.
    /// </remarks>
    /// <exception cref="SaeFormatException">The file is not a zip or an array is missing or malformed.</exception>
    public static SparseAutoencoder LoadGemmaScope(string path, ScalarType? dtype = null) =>
        LoadGemmaScope(path, dtype, NpyVector.DefaultChunkBytes);

    /// <summary><see cref="LoadGemmaScope(string, ScalarType?)"/> with the chunk size of the streamed read (tests).</summary>
    internal static SparseAutoencoder LoadGemmaScope(string path, ScalarType? dtype, int chunkBytes)
    {
        if (!File.Exists(path)) throw new SaeFormatException(path, "file not found");
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException error)
        {
            throw new SaeFormatException(path, $"not a .npz (zip) file: {error.Message}");
        }
        using (archive)
        {
            using var scope = NewDisposeScope();
            Tensor Read(string name)
            {
                var entry = archive.GetEntry(name + ".npy")
                    ?? throw new SaeFormatException(path, $"array '{name}' is missing (has {string.Join(", ", archive.Entries.Select(e => e.FullName))})");
                try
                {
                    using var stream = entry.Open();
                    var loaded = NpyVector.ReadTensor($"{path}:{entry.FullName}", stream, entry.Length, chunkBytes);
                    return dtype is { } wanted && wanted != ScalarType.Float32 ? loaded.to_type(TargetDtype(path, name, ScalarType.Float32, wanted)) : loaded;
                }
                catch (NpyFormatException error)
                {
                    throw new SaeFormatException(path, $"array '{name}': {error.Message}");
                }
                catch (InvalidDataException error)
                {
                    throw new SaeFormatException(path, $"array '{name}': the zip entry is corrupt: {error.Message}");
                }
            }
            return new SparseAutoencoder(Read("W_enc"), Read("b_enc"), Read("W_dec"), Read("b_dec"), SaeArchitecture.JumpRelu, Read("threshold"), source: path);
        }
    }

    /// <summary>
    /// Loads a Goodfire SAE, a PyTorch state dict with encoder_linear.weight [d_sae, d_in], encoder_linear.bias,
    /// decoder_linear.weight [d_in, d_sae] and decoder_linear.bias, as a ReLU SAE. Prefixes up to and including
    /// <c>_orig_mod.</c> (left by torch.compile, possibly behind <c>module.</c>) are stripped from the keys.
    /// </summary>
    /// <exception cref="SaeFormatException">The file is not a state dict or a tensor is missing or malformed.</exception>
    public static SparseAutoencoder LoadGoodfire(string path, ScalarType? dtype = null)
    {
        if (!File.Exists(path)) throw new SaeFormatException(path, "file not found");
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        IDictionary stateDict;
        try
        {
            using var stream = File.OpenRead(path);
            stateDict = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (InvalidOperationException)
        {
            // PyBridge looks its archive entries up with First(), whose own message names nothing.
            throw new SaeFormatException(path, "not a PyTorch state dict saved by torch.save: the archive lacks data.pkl or a data/<key> storage record that data.pkl names");
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // libtorch's messages (e.g. a storage offset outside its storage) go on with a C++ backtrace: keep the first line.
            throw new SaeFormatException(path, $"not a PyTorch state dict saved by torch.save: {error.Message.Split('\n', 2)[0].Trim()}");
        }
        foreach (DictionaryEntry entry in stateDict)
        {
            if (entry.Key is not string key || entry.Value is not Tensor value) continue;
            var marker = key.LastIndexOf("_orig_mod.", StringComparison.Ordinal);
            var name = marker >= 0 ? key[(marker + "_orig_mod.".Length)..] : key;
            if (name.StartsWith("module.", StringComparison.Ordinal)) name = name["module.".Length..];
            tensors[name] = value;
        }
        Tensor Read(string name)
        {
            if (!tensors.TryGetValue(name, out var value))
                throw new SaeFormatException(path, $"tensor '{name}' is missing (has {string.Join(", ", tensors.Keys)})");
            return value.to_type(TargetDtype(path, name, value.dtype, dtype));
        }
        Tensor Matrix(string name)
        {
            var value = Read(name);
            if (value.dim() != 2) throw new SaeFormatException(path, $"tensor '{name}' has shape [{string.Join(", ", value.shape)}], expected a matrix");
            return value.t();
        }
        // Goodfire stores the nn.Linear layout (out × in); the SAE keeps SAELens's (in × out).
        return new SparseAutoencoder(
            Matrix("encoder_linear.weight"), Read("encoder_linear.bias"),
            Matrix("decoder_linear.weight"), Read("decoder_linear.bias"), SaeArchitecture.Standard, source: path);
    }

    private static ScalarType TargetDtype(string path, string name, ScalarType stored, ScalarType? wanted)
    {
        // Checked before any conversion: integer weights cast to floats would load as a silently wrong SAE.
        if (stored is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64))
            throw new SaeFormatException(path, $"tensor '{name}' has dtype {stored}; SAE weights must be floating point (float32, bfloat16, float16 or float64)");
        if (wanted is { } chosen)
        {
            if (chosen is not (ScalarType.Float32 or ScalarType.BFloat16))
                throw new ArgumentException($"SAEs load as float32 or bfloat16, not {chosen}");
            return chosen;
        }
        return stored is ScalarType.Float16 or ScalarType.Float64 ? ScalarType.Float32 : stored;
    }

    private static void CheckConfigWidth(JsonFields fields, string field, int actual)
    {
        if (fields.OptionalInt(field) is { } declared && declared != actual)
            throw fields.Error(field, $"is {declared} but the weights have {actual}");
    }
}
