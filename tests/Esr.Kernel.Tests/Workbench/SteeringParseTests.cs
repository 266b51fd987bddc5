using Esr.Kernel.Interventions;

namespace Esr.Kernel.Tests;

public sealed class SteeringParseTests
{
    [Fact]
    public void The_cli_strings_become_adds_then_clamps_then_ablations_equal_to_the_builders()
    {
        var parsed = Steering.Parse(steer: "754=12.5, 300=-4", clamp: "12=0.5", ablate: "12,13");

        Assert.Equal(
            [new AddLatent(754, 12.5f), new AddLatent(300, -4f), new ClampLatent(12, 0.5f)],
            parsed.Interventions.Take(3));
        Assert.Equal([12, 13], Assert.IsType<AblateLatents>(parsed.Interventions[3]).Latents);
        Assert.Equal(Steering.Add(754, 12.5) + Steering.Add(300, -4) + Steering.Clamp(12, 0.5) + Steering.Ablate(12, 13), parsed);
        Assert.Equal("steer 754=12.5 steer 300=-4 clamp 12=0.5 ablate 12,13", parsed.ToString());
        Assert.False(parsed.IsEmpty);
        Assert.True(Steering.Parse().IsEmpty);
        Assert.Equal(Steering.None, Steering.Parse());
        Assert.NotEqual(Steering.Ablate(12, 13), Steering.Ablate(13, 12));
    }

    [Theory]
    [InlineData("754", null, null, "--steer '754': '754' is not latent=value")]
    [InlineData("754=", null, null, "is not latent=value")]
    [InlineData("x=1", null, null, "--steer 'x=1': the latent 'x' is not a non-negative integer")]
    [InlineData("-3=1", null, null, "the latent '-3' is not a non-negative integer")]
    [InlineData("754=lots", null, null, "--steer '754=lots': the value 'lots' is not a finite number")]
    [InlineData("754=Infinity", null, null, "the value 'Infinity' is not a finite number")]
    [InlineData("754=1e39", null, null, "the value '1e39' is not a finite number")]
    [InlineData("754=1,754=2", null, null, "--steer '754=1,754=2': latent 754 is given twice")]
    [InlineData("754=1,,3=1", null, null, "has an empty item")]
    [InlineData(null, "5=1,5=0", null, "--clamp '5=1,5=0': latent 5 is given twice")]
    [InlineData(null, "5=NaN", null, "--clamp '5=NaN': the value 'NaN' is not a finite number")]
    [InlineData(null, null, "12,12", "--ablate '12,12': latent 12 is given twice")]
    [InlineData(null, null, "", "--ablate '' has an empty item")]
    [InlineData(null, null, "1.5", "--ablate '1.5': the latent '1.5' is not a non-negative integer")]
    public void Malformed_values_are_one_line_input_errors_naming_the_option(string? steer, string? clamp, string? ablate, string expected)
    {
        var error = Assert.Throws<EsrInputException>(() => Steering.Parse(steer, clamp, ablate));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Builders_refuse_negative_latents_and_values_that_are_not_finite()
    {
        Assert.Contains("latent -1 is negative", Assert.Throws<EsrInputException>(() => Steering.Add(-1, 2)).Message);
        Assert.Contains("Steering.Clamp: the value NaN", Assert.Throws<EsrInputException>(() => Steering.Clamp(1, double.NaN)).Message);
        Assert.Contains("finite numbers", Assert.Throws<EsrInputException>(() => Steering.Vector(0, [float.PositiveInfinity])).Message);
    }
}
