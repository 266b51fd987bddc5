using Esr.Kernel.Interventions;

namespace Esr.Kernel.Tests.Interventions;

public class LatentTraceTests
{
    private static readonly LatentTrace Trace = new([7, 3], [[0.5f, 0f], [2f, 1f], [0f, 4f]]);

    [Fact]
    public void A_trace_becomes_one_row_per_token_and_latent_with_the_token_text()
    {
        var frame = Trace.ToDataFrame(["<bos>", "Hello", "!"]);

        Assert.Equal(["token", "token_text", "latent", "activation"], frame.Columns.Select(c => c.Name));
        Assert.Equal(6, frame.Rows.Count);
        Assert.Equal(new object[] { 0, "<bos>", 7, 0.5f }, frame.Rows[0]);
        Assert.Equal(new object[] { 1, "Hello", 3, 1f }, frame.Rows[3]);
        Assert.Equal(new object[] { 2, "!", 3, 4f }, frame.Rows[5]);
    }

    [Fact]
    public void Without_token_texts_there_is_no_text_column_and_a_wrong_count_is_refused()
    {
        var frame = Trace.ToDataFrame();
        Assert.Equal(["token", "latent", "activation"], frame.Columns.Select(c => c.Name));
        Assert.Equal(new object[] { 1, 7, 2f }, frame.Rows[2]);
        Assert.Throws<ArgumentException>(() => Trace.ToDataFrame(["only one"]));
    }

    [Fact]
    public void The_max_pooled_frame_holds_each_latents_peak()
    {
        var frame = Trace.MaxPoolDataFrame();
        Assert.Equal(["latent", "max_activation"], frame.Columns.Select(c => c.Name));
        Assert.Equal(new object[] { 7, 2f }, frame.Rows[0]);
        Assert.Equal(new object[] { 3, 4f }, frame.Rows[1]);
    }
}
