using Esr.Kernel.Options;

namespace Esr.Kernel.Tests.Options;

public sealed class OptionValuesTests
{
    private static readonly OptionSpec[] Specs =
    [
        OptionSpec.Text("--model", "The model", "name", required: true),
        OptionSpec.Integer("--n-trials", "Prompts per latent", minimum: 1),
        OptionSpec.Integer("--seed", "Run seed", defaultValue: 0),
        OptionSpec.Number("--temperature", "Sampling temperature", defaultValue: 0.6, minimum: 0),
        OptionSpec.Number("--share", "A share", minimum: 0, maximum: 1),
        OptionSpec.Number("--penalty", "A penalty", minimum: 0, minimumExclusive: true),
        OptionSpec.Flag("--fresh-prompts", "Draw new prompts"),
        OptionSpec.OptionalFlag("--paper-final-norm", "The quirk"),
        OptionSpec.Choice("--dtype", "Weights dtype", ["float32", "bfloat16"], "float32"),
        OptionSpec.Text("--judge", "A judge", "alias") with { Repeatable = true, Default = new[] { "a", "b" } },
    ];

    [Fact]
    public void Tokens_give_typed_values_and_options_not_given_their_defaults()
    {
        var values = OptionValues.Parse(Specs, ["--model", "toy-s-sa60", "--n-trials=3", "--fresh-prompts", "--paper-final-norm", "false", "--dtype", "bfloat16"]);

        Assert.Equal(("toy-s-sa60", 3, 0, 0.6), (values.Text("--model"), values.Integer("--n-trials"), values.Integer("--seed"), values.Number("--temperature")));
        Assert.Equal((true, false, "bfloat16"), (values.Flag("--fresh-prompts"), values.OptionalFlag("--paper-final-norm"), values.Text("--dtype")));
        Assert.Null(values.OptionalNumber("--share"));
        Assert.Equal(["a", "b"], values.Texts("--judge"));
        Assert.True(values.IsGiven("--n-trials"));
        Assert.False(values.IsGiven("--seed"));
    }

    [Fact]
    public void A_flag_alone_is_on_an_optional_flag_not_given_is_unset_and_a_repeatable_option_collects_every_value()
    {
        var values = OptionValues.Parse(Specs, ["--model", "m", "--paper-final-norm", "--judge", "x", "--judge", "y"]);

        Assert.True(values.OptionalFlag("--paper-final-norm"));
        Assert.Null(OptionValues.Parse(Specs, ["--model", "m"]).OptionalFlag("--paper-final-norm"));
        Assert.False(values.Flag("--fresh-prompts"));
        Assert.Equal(["x", "y"], values.Texts("--judge"));
    }

    [Theory]
    [InlineData("--n-trials", "-1", "--n-trials must be at least 1, not -1")]
    [InlineData("--n-trials", "two", "--n-trials must be an integer, not 'two'")]
    [InlineData("--temperature", "-0.5", "--temperature must be >= 0, not -0.5")]
    [InlineData("--temperature", "warm", "--temperature must be a number, not 'warm'")]
    [InlineData("--temperature", "Infinity", "--temperature must be a finite number, not Infinity")]
    [InlineData("--share", "1.5", "--share must be in [0, 1], not 1.5")]
    [InlineData("--penalty", "0", "--penalty must be > 0, not 0")]
    [InlineData("--dtype", "float16", "--dtype must be float32 or bfloat16, not 'float16'")]
    [InlineData("--paper-final-norm", "maybe", "--paper-final-norm must be true or false, not 'maybe'")]
    public void A_bad_value_is_one_input_error_naming_the_option_and_the_expected_value(string option, string value, string message)
    {
        var fromTokens = Assert.Throws<EsrInputException>(() => OptionValues.Parse(Specs, ["--model", "m", $"{option}={value}"]));
        var fromPairs = Assert.Throws<EsrInputException>(() => OptionValues.From(Specs, [new("--model", "m"), new(option, value)]));

        Assert.Equal(message, fromTokens.Message);
        Assert.Equal(message, fromPairs.Message);
    }

    [Fact]
    public void Typed_values_are_checked_as_texts_are()
    {
        var error = Assert.Throws<EsrInputException>(() => OptionValues.From(Specs, [new("--model", "m"), new("--n-trials", 0)]));
        var wrongType = Assert.Throws<EsrInputException>(() => OptionValues.From(Specs, [new("--model", "m"), new("--n-trials", 2.5)]));
        var values = OptionValues.From(Specs, [new("--model", "m"), new("--n-trials", 2), new("--temperature", 1), new("--seed", null)]);

        Assert.Equal("--n-trials must be at least 1, not 0", error.Message);
        Assert.Equal("--n-trials must be an integer >= 1, not Double 2.5", wrongType.Message);
        Assert.Equal((2, 1.0, 0), (values.Integer("--n-trials"), values.Number("--temperature"), values.Integer("--seed")));
    }

    [Fact]
    public void Unknown_missing_repeated_or_valueless_options_are_one_line_naming_them()
    {
        Assert.Equal("unknown option '--n-trial' (expected one of --model, --n-trials, --seed, --temperature, --share, --penalty, --fresh-prompts, --paper-final-norm, --dtype, --judge)",
            Assert.Throws<EsrInputException>(() => OptionValues.Parse(Specs, ["--model", "m", "--n-trial", "2"])).Message);
        Assert.Equal("--model <name> is required: The model", Assert.Throws<EsrInputException>(() => OptionValues.Parse(Specs, ["--seed", "1"])).Message);
        Assert.Equal("--seed is given more than once", Assert.Throws<EsrInputException>(() => OptionValues.Parse(Specs, ["--model", "m", "--seed", "1", "--seed", "2"])).Message);
        Assert.Equal("--seed needs a value: an integer", Assert.Throws<EsrInputException>(() => OptionValues.Parse(Specs, ["--model", "m", "--seed"])).Message);
        Assert.Equal("'m' is no option (expected --name value)", Assert.Throws<EsrInputException>(() => OptionValues.Parse(Specs, ["m"])).Message);
    }
}
