using Esr.Kernel.Analysis.Figures;
using Plotly.NET;

namespace Esr.Kernel;

/// <summary>
/// One figure of <see cref="FigureCatalog"/>: its id ("2", "A16", ...), what it shows, the input it reads and the
/// request fields it uses, and how it is drawn (its data builder and chart builder, ESR_SPEC §6).
/// </summary>
public abstract class FigureDefinition
{
    private protected FigureDefinition(string id, string title, FigureRequestFields uses)
    {
        Id = id;
        Title = title;
        Uses = uses;
    }

    /// <summary>The figure's id, as <c>esr figure</c> takes it ("2", "4-variants", "A5-multi").</summary>
    public string Id { get; }

    /// <summary>What the figure shows and, for a readout figure, what its results are.</summary>
    public string Title { get; }

    /// <summary>What the request's <see cref="FigureRequest.Results"/> name.</summary>
    public abstract FigureInput Input { get; }

    /// <summary>The request fields the figure reads; it ignores the others.</summary>
    public FigureRequestFields Uses { get; }

    /// <summary>Reads the request's results and draws the figure.</summary>
    /// <exception cref="EsrInputException">A path is missing or of another kind, a file is malformed, the results hold
    /// nothing to draw, or an option does not fit; the message names the file or option.</exception>
    public abstract GenericChart Draw(FigureRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Draws the figure and writes it to <paramref name="path"/>: a self-contained HTML page (.html) or a PNG (.png,
    /// at <see cref="FigureRequest.Scale"/>), both through <see cref="FigureExport"/>.
    /// </summary>
    /// <exception cref="EsrInputException">The path ends otherwise (named as <c>--out</c>), drawing fails as in
    /// <see cref="Draw"/>, or no Chromium renders the PNG.</exception>
    public async Task SaveAsync(FigureRequest request, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".html" or ".png")) throw new EsrInputException($"--out must end in .html or .png: {path}");
        var chart = Draw(request, cancellationToken);
        if (extension == ".html")
        {
            await FigureExport.SaveHtmlAsync(chart, path, cancellationToken);
            return;
        }
        try
        {
            await FigureExport.SavePngAsync(chart, path, request.Scale, cancellationToken);
        }
        catch (InvalidOperationException error)
        {
            throw new EsrInputException(error.Message, error);
        }
    }

    /// <summary>"id (title)", as <c>esr figure</c>'s help lists the figures.</summary>
    public override string ToString() => $"{Id} ({Title})";
}
