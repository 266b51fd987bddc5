using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Esr.LlamaCpp.Tests;

/// <summary>
/// A plain float64 forward pass written from the Hugging Face definitions of Llama and Gemma-2, reading the
/// Hugging Face checkpoint directly (no GGUF, no permutation, no 1+w folding): the yardstick the exporter and
/// llama.cpp are checked against. Slow loops; for tiny models only.
/// </summary>
internal sealed class ReferenceTransformer
{
    private readonly Dictionary<string, double[][]> _weights = [];
    private readonly bool _gemma;
    private readonly int _d, _layers, _heads, _kvHeads, _headDim, _slidingWindow;
    private readonly double _eps, _queryScale, _attnCap, _finalCap;
    private readonly double[] _inverseFrequencies;

    public ReferenceTransformer(string directory)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "config.json")))!.AsObject();
        double Number(string key) => config[key]!.GetValue<double>();
        _gemma = config["model_type"]!.GetValue<string>() == "gemma2";
        _d = (int)Number("hidden_size");
        _layers = (int)Number("num_hidden_layers");
        _heads = (int)Number("num_attention_heads");
        _kvHeads = (int)Number("num_key_value_heads");
        _headDim = (int)Number("head_dim");
        _eps = Number("rms_norm_eps");
        _queryScale = 1 / Math.Sqrt(_gemma ? Number("query_pre_attn_scalar") : _headDim);
        if (_gemma)
        {
            _attnCap = Number("attn_logit_softcapping");
            _finalCap = Number("final_logit_softcapping");
            _slidingWindow = (int)Number("sliding_window");
        }

        var theta = Number("rope_theta");
        _inverseFrequencies = Enumerable.Range(0, _headDim / 2).Select(i => Math.Pow(theta, -2.0 * i / _headDim)).ToArray();
        if (config["rope_scaling"] is JsonObject scaling)
        {
            // Hugging Face's llama3 rule, written directly on the inverse frequencies.
            double factor = scaling["factor"]!.GetValue<double>(), low = scaling["low_freq_factor"]!.GetValue<double>();
            double high = scaling["high_freq_factor"]!.GetValue<double>(), original = scaling["original_max_position_embeddings"]!.GetValue<double>();
            for (var i = 0; i < _inverseFrequencies.Length; i++)
            {
                var wavelength = 2 * Math.PI / _inverseFrequencies[i];
                var smooth = (original / wavelength - low) / (high - low);
                _inverseFrequencies[i] = wavelength > original / low ? _inverseFrequencies[i] / factor
                    : wavelength < original / high ? _inverseFrequencies[i]
                    : (1 - smooth) * _inverseFrequencies[i] / factor + smooth * _inverseFrequencies[i];
            }
        }

        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in Safetensors.LoadStateDict(Path.Combine(directory, "model.safetensors")))
        {
            var flat = tensor.to_type(ScalarType.Float64).data<double>().ToArray();
            var columns = (int)tensor.shape[^1];
            _weights[name] = Enumerable.Range(0, flat.Length / columns).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
        }
        if (!_weights.ContainsKey("lm_head.weight")) _weights["lm_head.weight"] = _weights["model.embed_tokens.weight"];
    }

    /// <summary>Logits [T][V] and the residual stream after every block [L][T][d].</summary>
    public (double[][] Logits, double[][][] BlockOutputs) Forward(int[] tokens, IReadOnlyList<(int Block, float[] Vector)>? steering = null)
    {
        var h = tokens.Select(t => _weights["model.embed_tokens.weight"][t].Select(x => _gemma ? x * Math.Sqrt(_d) : x).ToArray()).ToArray();
        var outputs = new double[_layers][][];
        for (var layer = 0; layer < _layers; layer++)
        {
            string P(string name) => $"model.layers.{layer}.{name}.weight";
            var attention = Attention(h.Select(x => Norm(x, P("input_layernorm"))).ToArray(), layer);
            if (_gemma) attention = attention.Select(x => Norm(x, P("post_attention_layernorm"))).ToArray();
            h = Add(h, attention);
            var mlp = h.Select(x => Mlp(Norm(x, _gemma ? P("pre_feedforward_layernorm") : P("post_attention_layernorm")), layer)).ToArray();
            if (_gemma) mlp = mlp.Select(x => Norm(x, P("post_feedforward_layernorm"))).ToArray();
            h = Add(h, mlp);
            foreach (var (block, vector) in steering ?? [])
                if (block == layer) h = h.Select(x => x.Select((value, i) => value + vector[i]).ToArray()).ToArray();
            outputs[layer] = h;
        }
        var logits = h.Select(x => MatVec(_weights["lm_head.weight"], Norm(x, "model.norm.weight"))
            .Select(z => _gemma ? _finalCap * Math.Tanh(z / _finalCap) : z).ToArray()).ToArray();
        return (logits, outputs);
    }

    private double[][] Attention(double[][] x, int layer)
    {
        string P(string name) => $"model.layers.{layer}.self_attn.{name}.weight";
        var q = x.Select((row, pos) => Rotate(MatVec(_weights[P("q_proj")], row), _heads, pos)).ToArray();
        var k = x.Select((row, pos) => Rotate(MatVec(_weights[P("k_proj")], row), _kvHeads, pos)).ToArray();
        var v = x.Select(row => MatVec(_weights[P("v_proj")], row)).ToArray();
        var local = _gemma && layer % 2 == 0;
        var output = new double[x.Length][];
        for (var t = 0; t < x.Length; t++)
        {
            output[t] = new double[_heads * _headDim];
            for (var head = 0; head < _heads; head++)
            {
                var kvHead = head / (_heads / _kvHeads);
                var first = local ? Math.Max(0, t - _slidingWindow + 1) : 0;
                var scores = new double[t + 1 - first];
                for (var s = first; s <= t; s++)
                {
                    var score = 0.0;
                    for (var i = 0; i < _headDim; i++) score += q[t][head * _headDim + i] * k[s][kvHead * _headDim + i];
                    score *= _queryScale;
                    scores[s - first] = _gemma ? _attnCap * Math.Tanh(score / _attnCap) : score;
                }
                var max = scores.Max();
                var weights = scores.Select(score => Math.Exp(score - max)).ToArray();
                var total = weights.Sum();
                for (var s = first; s <= t; s++)
                    for (var i = 0; i < _headDim; i++)
                        output[t][head * _headDim + i] += weights[s - first] / total * v[s][kvHead * _headDim + i];
            }
        }
        return output.Select(row => MatVec(_weights[P("o_proj")], row)).ToArray();
    }

    /// <summary>Hugging Face's rotary embedding: dimension i of a head pairs with i + head_dim/2.</summary>
    private double[] Rotate(double[] vector, int heads, int position)
    {
        var half = _headDim / 2;
        var result = (double[])vector.Clone();
        for (var head = 0; head < heads; head++)
            for (var i = 0; i < half; i++)
            {
                var angle = position * _inverseFrequencies[i];
                double a = vector[head * _headDim + i], b = vector[head * _headDim + i + half];
                result[head * _headDim + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
                result[head * _headDim + i + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
            }
        return result;
    }

    private double[] Mlp(double[] x, int layer)
    {
        string P(string name) => $"model.layers.{layer}.mlp.{name}.weight";
        var gate = MatVec(_weights[P("gate_proj")], x);
        var up = MatVec(_weights[P("up_proj")], x);
        var hidden = gate.Select((g, i) => (_gemma ? GeluTanh(g) : g / (1 + Math.Exp(-g))) * up[i]).ToArray();
        return MatVec(_weights[P("down_proj")], hidden);
    }

    private static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    private double[] Norm(double[] x, string weightName)
    {
        var weight = _weights[weightName][0]; // a 1-D tensor is stored as one row
        var scale = 1 / Math.Sqrt(x.Sum(value => value * value) / x.Length + _eps);
        return x.Select((value, i) => value * scale * (_gemma ? 1 + weight[i] : weight[i])).ToArray();
    }

    private static double[] MatVec(double[][] matrix, double[] vector) =>
        matrix.Select(row => row.Select((w, i) => w * vector[i]).Sum()).ToArray();

    private static double[][] Add(double[][] a, double[][] b) => a.Select((row, t) => row.Select((x, i) => x + b[t][i]).ToArray()).ToArray();
}
