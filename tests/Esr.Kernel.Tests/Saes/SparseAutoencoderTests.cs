using Esr.Kernel.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Saes;

public class SparseAutoencoderTests
{
    private static Tensor Inputs(int seed, long dIn = 8) => randn([2, 5, dIn], generator: new TorchSharp.torch.Generator((ulong)seed));

    [Theory]
    [InlineData(SaeArchitecture.Standard, false)]
    [InlineData(SaeArchitecture.Standard, true)]
    [InlineData(SaeArchitecture.JumpRelu, false)]
    [InlineData(SaeArchitecture.TopK, false)]
    public void Encoding_a_subset_of_latents_equals_those_columns_of_the_full_encode(SaeArchitecture architecture, bool applyDecoderBias)
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(architecture, applyDecoderBias: applyDecoderBias);
        var input = Inputs(2);
        int[] latents = [17, 3, 0, 23, 3];

        var full = sae.Encode(input);
        var subset = sae.EncodeLatents(input, latents);

        var expected = full.index_select(-1, tensor(latents.Select(l => (long)l).ToArray()));
        // The same sums, but BLAS may block a narrower matrix product differently: equal to float32 rounding.
        var difference = (expected - subset).abs().max().item<float>();
        Assert.True(difference <= 1e-5f, $"subset encode differs by {difference}");
        Assert.True(full.count_nonzero().item<long>() > 0, "the test needs some active latents");
    }

    [Fact]
    public void JumpRelu_passes_a_latent_only_when_its_pre_activation_exceeds_its_threshold()
    {
        using var scope = NewDisposeScope();
        // Identity encoder: the pre-activation is the input itself.
        using var sae = new SparseAutoencoder(
            eye(4), zeros(4), eye(4), zeros(4), SaeArchitecture.JumpRelu, threshold: tensor(new[] { 1f, 1f, 1f, -1f }));

        var latents = sae.Encode(tensor(new[] { 0.999f, 1f, 1.001f, -0.5f })).data<float>().ToArray();

        // Below and exactly at the threshold are gated; above passes unchanged; a negative pre-activation above a
        // negative threshold is still rectified to 0.
        Assert.Equal(new[] { 0f, 0f, 1.001f, 0f }, latents);
    }

    [Theory]
    [InlineData("W_enc")]
    [InlineData("b_dec")]
    public void A_weight_holding_NaN_is_refused_naming_it(string name)
    {
        using var scope = NewDisposeScope();
        Tensor Weight(string weight, params long[] shape) => weight == name ? full(shape, float.NaN) : ones(shape);

        var error = Assert.Throws<SaeFormatException>(() =>
            new SparseAutoencoder(Weight("W_enc", 4, 6), Weight("b_enc", 6), Weight("W_dec", 6, 4), Weight("b_dec", 4), SaeArchitecture.Standard, source: "sae.npz"));

        Assert.Equal($"sae.npz: {name} holds NaN or infinite values; SAE weights must be finite numbers", error.Message);
    }

    [Fact]
    public void TopK_keeps_exactly_the_k_largest_positive_pre_activations()
    {
        using var scope = NewDisposeScope();
        using var sae = new SparseAutoencoder(eye(5), zeros(5), eye(5), zeros(5), SaeArchitecture.TopK, k: 2);

        var latents = sae.Encode(tensor(new[] { 0.5f, 3f, -1f, 2f, 1f })).data<float>().ToArray();

        Assert.Equal(new[] { 0f, 3f, 0f, 2f, 0f }, latents);
    }

    [Fact]
    public void Decoding_is_latents_times_the_decoder_plus_its_bias_and_a_direction_is_a_decoder_row()
    {
        using var scope = NewDisposeScope();
        var weights = RandomSae.Weights(8, 24, 3);
        using var sae = new SparseAutoencoder(weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], SaeArchitecture.Standard);
        var latents = zeros(24);
        latents[5] = tensor(2f);

        var decoded = sae.Decode(latents).data<float>().ToArray();

        var direction = sae.DecoderDirection(5);
        var bias = weights["b_dec"].data<float>().ToArray();
        Assert.Equal(weights["W_dec"][5].data<float>().ToArray(), direction);
        for (var i = 0; i < 8; i++) Assert.Equal(2f * direction[i] + bias[i], decoded[i], 5);
    }

    [Fact]
    public void Top_latents_per_token_are_the_strongest_active_ones_in_order()
    {
        using var scope = NewDisposeScope();
        using var sae = new SparseAutoencoder(eye(4), zeros(4), eye(4), zeros(4), SaeArchitecture.Standard);

        var top = sae.TopLatents(tensor(new[] { 0.1f, 3f, -1f, 2f, 0f, 0f, 0f, -1f }, [2, 4]), 3);

        Assert.Equal([new LatentActivation(1, 3f), new LatentActivation(3, 2f), new LatentActivation(0, 0.1f)], top[0]);
        Assert.Empty(top[1]);
    }

    [Fact]
    public void Moving_to_the_device_it_is_on_changes_nothing()
    {
        using var scope = NewDisposeScope();
        using var sae = RandomSae.Create(SaeArchitecture.JumpRelu);
        var input = Inputs(6);
        var before = sae.Encode(input).data<float>().ToArray();

        sae.MoveTo(CPU);

        Assert.Equal(TorchSharp.DeviceType.CPU, sae.Device.type);
        Assert.Equal(before, sae.Encode(input).data<float>().ToArray());
    }

    [Fact]
    public void An_SAE_wider_or_narrower_than_the_model_is_refused_naming_both_widths()
    {
        using var sae = RandomSae.Create(SaeArchitecture.Standard);

        var error = Assert.Throws<ArgumentException>(() => sae.EnsureFits(2304, "gemma-2-2b"));

        Assert.Contains("d_in = 8", error.Message);
        Assert.Contains("d_model = 2304", error.Message);
    }

    [Fact]
    public void Mismatched_weight_shapes_are_refused_naming_the_tensor()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<SaeFormatException>(() => new SparseAutoencoder(zeros(4, 6), zeros(6), zeros(6, 5), zeros(4), SaeArchitecture.Standard));
        Assert.Contains("W_dec", error.Message);
    }

    [Fact]
    public void A_bfloat16_SAE_encodes_close_to_its_float32_original()
    {
        using var scope = NewDisposeScope();
        var weights = RandomSae.Weights(8, 24, 4);
        using var full = new SparseAutoencoder(weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], SaeArchitecture.Standard);
        using var half = new SparseAutoencoder(
            weights["W_enc"].to_type(ScalarType.BFloat16), weights["b_enc"].to_type(ScalarType.BFloat16),
            weights["W_dec"].to_type(ScalarType.BFloat16), weights["b_dec"].to_type(ScalarType.BFloat16), SaeArchitecture.Standard);
        var input = Inputs(5);

        Assert.Equal(ScalarType.BFloat16, half.Dtype);
        var difference = (full.Encode(input) - half.Encode(input).to_type(ScalarType.Float32)).abs().max().item<float>();
        Assert.True(difference < 0.2f, $"bfloat16 encode differs by {difference}");
    }
}
