using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Interventions;

public class VectorSteeringTests
{
    private const int Batch = 3, Tokens = 4, Width = 8;

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static HookContext Context(long batch = Batch) => new(
        HookPoint.ResidPost(0), 0, ones(batch, Tokens, dtype: ScalarType.Bool),
        arange(Tokens, ScalarType.Int64).expand(batch, Tokens));

    [Fact]
    public void A_shared_vector_is_added_to_every_position_of_every_row()
    {
        using var scope = NewDisposeScope();
        var values = Values(Batch * Tokens * Width, 1);
        var vector = Values(Width, 2);
        var activation = tensor(values, [Batch, Tokens, Width]);

        var result = VectorSteering.ForAllRows(vector).Apply(activation, Context()).data<float>().ToArray();

        var expected = values.Select((value, i) => value + vector[i % Width]).ToArray();
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Per_row_vectors_change_exactly_the_chosen_rows_by_exactly_their_vectors()
    {
        using var scope = NewDisposeScope();
        var values = Values(Batch * Tokens * Width, 3);
        values[Tokens * Width] = -0.0f; // row 1 is left alone, negative zero included
        var first = Values(Width, 4);
        var third = Values(Width, 5);
        var activation = tensor(values, [Batch, Tokens, Width]);

        var result = VectorSteering.PerRow([first, null, third]).Apply(activation, Context()).data<float>().ToArray();

        float[]?[] byRow = [first, null, third];
        for (var i = 0; i < values.Length; i++)
        {
            var row = i / (Tokens * Width);
            var expected = byRow[row] is { } vector ? values[i] + vector[i % Width] : values[i];
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(result[i]));
        }
    }

    [Fact]
    public void The_vector_is_rounded_to_bfloat16_before_a_bfloat16_activation_is_steered()
    {
        using var scope = NewDisposeScope();
        var activation = tensor(Values(Batch * Tokens * Width, 6), [Batch, Tokens, Width]).to_type(ScalarType.BFloat16);
        var vector = Values(Width, 7);

        var result = VectorSteering.ForAllRows(vector).Apply(activation, Context());

        Assert.Equal(ScalarType.BFloat16, result.dtype);
        var roundedVector = tensor(vector, [1L, 1L, Width]).to_type(ScalarType.BFloat16);
        var expected = (activation.to_type(ScalarType.Float32) + roundedVector.to_type(ScalarType.Float32)).to_type(ScalarType.BFloat16);
        Assert.Equal(expected.to_type(ScalarType.Float32).data<float>().ToArray(), result.to_type(ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void A_batch_whose_size_differs_from_the_per_row_list_is_refused()
    {
        using var scope = NewDisposeScope();
        var steering = VectorSteering.PerRow([Values(Width, 8), null]);
        var activation = zeros(Batch, Tokens, Width);

        var error = Assert.Throws<ArgumentException>(() => steering.Apply(activation, Context()));
        Assert.Contains("2 rows", error.Message);
    }

    [Fact]
    public void A_vector_whose_width_differs_from_the_activation_is_refused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => VectorSteering.ForAllRows(Values(Width + 1, 9)).Apply(zeros(Batch, Tokens, Width), Context()));
        Assert.Contains("blocks.0.resid_post", error.Message);
    }

    [Fact]
    public void Per_row_vectors_of_different_widths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => VectorSteering.PerRow([Values(Width, 1), null, Values(Width - 1, 2)]));
        Assert.Throws<ArgumentException>(() => VectorSteering.PerRow([null, null]));
    }

    [Fact]
    public void Later_changes_to_the_caller_s_array_do_not_change_the_steering()
    {
        using var scope = NewDisposeScope();
        var vector = Values(Width, 10);
        var steering = VectorSteering.ForAllRows(vector);
        var original = vector.ToArray();
        vector[0] = 1000;

        var result = steering.Apply(zeros(1, 1, Width), Context(1)).data<float>().ToArray();

        Assert.Equal(original, result);
    }
}
