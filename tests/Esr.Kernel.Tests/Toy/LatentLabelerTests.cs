using Esr.Kernel.Saes;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Toy;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Toy;

public sealed class LatentLabelerTests
{
    [Fact]
    public void A_latent_takes_the_category_with_most_of_its_activation_mass()
    {
        // Tokens: subject:a, subject:a, task:b, marker. Latent 0 fires 3+1 on a, 2 on b; latent 1 only on the marker; latent 2 never.
        using var activations = tensor(new float[] { 3, 0, 0, 1, 0, 0, 2, 0, 0, 0, 5, 0 }, [4L, 3L]);
        var labels = LatentLabeler.Label(activations, ["subject:a", "subject:a", "task:b", "marker"]);
        Assert.Equal(new LatentLabel(0, "subject:a", 4.0 / 6, 6), labels[0]);
        Assert.Equal(new LatentLabel(1, "marker", 1, 5), labels[1]);
        Assert.Equal(new LatentLabel(2, LatentLabeler.Dead, 0, 0), labels[2]);
        Assert.Equal(0, LatentLabeler.SubjectLatents(labels, minimumPurity: 0.5)["a"].Latent);
        Assert.Empty(LatentLabeler.SubjectLatents(labels, minimumPurity: 0.7));

        using var folder = new TemporaryDirectory();
        LatentLabeler.Save(folder.File("labels.csv"), labels);
        var loaded = LatentLabels.Load(folder.File("labels.csv"));
        Assert.Equal(3, loaded.RowCount);
        Assert.Equal("subject:a", loaded[0]);
        Assert.Equal("marker", loaded[1]);
    }
}
