using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Esr.Notebooks;

/// <summary>
/// Turns a kernel's events into a notebook's cell outputs as a front end shows them: displays, return values,
/// stdout/stderr (consecutive writes to one stream form one output), and display updates that replace the output
/// they update, in whichever cell it is, instead of adding one.
/// </summary>
/// <remarks>
/// <c>display(x)</c> and <c>x.Display()</c> in this .NET Interactive release announce the display under one id and
/// update it under another (the handle's DisplayId); only <c>KernelInvocationContext.Display</c> uses one id for
/// both. An update whose id was never displayed therefore takes over the newest display that no update has claimed
/// and that has the same MIME types, and keeps it for its later updates.
/// </remarks>
internal sealed class OutputRecorder
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DisplayElement> _byId = [];
    private readonly List<(DisplayElement Element, string[] MimeTypes)> _unclaimed = [];
    private List<InteractiveDocumentOutputElement>? _cell;
    private int _executionCount;

    /// <summary>Starts collecting into <paramref name="outputs"/> (a code cell's list); events outside a cell are dropped, updates are not.</summary>
    public void BeginCell(List<InteractiveDocumentOutputElement> outputs, int executionCount)
    {
        lock (_gate)
        {
            _cell = outputs;
            _executionCount = executionCount;
        }
    }

    /// <summary>Stops collecting (a later event of that cell's code is dropped unless it updates a display).</summary>
    public void EndCell()
    {
        lock (_gate) _cell = null;
    }

    /// <summary>Adds an error output to the current cell.</summary>
    public void AddError(string name, string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        lock (_gate) _cell?.Add(new ErrorElement(lines[0], name, lines));
    }

    /// <summary>Records one kernel event.</summary>
    public void Record(KernelEvent kernelEvent)
    {
        lock (_gate)
        {
            switch (kernelEvent)
            {
                case DisplayedValueUpdated update:
                    Update(update);
                    break;
                case DisplayedValueProduced display when _cell is not null:
                    var element = new DisplayElement(Data(display.FormattedValues));
                    _cell.Add(element);
                    if (display.ValueId is { } id) _byId[id] = element;
                    _unclaimed.Add((element, MimeTypes(display)));
                    break;
                case ReturnValueProduced value when _cell is not null:
                    var result = new ReturnValueElement { ExecutionOrder = _executionCount };
                    foreach (var (mimeType, data) in Data(value.FormattedValues)) result.Data[mimeType] = data;
                    _cell.Add(result);
                    break;
                case StandardOutputValueProduced output when _cell is not null:
                    AppendStream("stdout", output.FormattedValues);
                    break;
                case StandardErrorValueProduced error when _cell is not null:
                    AppendStream("stderr", error.FormattedValues);
                    break;
                case ErrorProduced error when _cell is not null:
                    AppendStream("stderr", [new FormattedValue(PlainTextFormatter.MimeType, error.Message + "\n")]);
                    break;
            }
        }
    }

    private void Update(DisplayedValueUpdated update)
    {
        if (update.ValueId is not { } id) return;
        var mimeTypes = MimeTypes(update);
        if (!_byId.TryGetValue(id, out var element))
        {
            var index = _unclaimed.FindLastIndex(candidate => candidate.MimeTypes.SequenceEqual(mimeTypes));
            if (index < 0) return; // nothing shown that it could update
            element = _unclaimed[index].Element;
            _byId[id] = element;
        }
        _unclaimed.RemoveAll(candidate => ReferenceEquals(candidate.Element, element));
        element.Data.Clear();
        foreach (var (mimeType, data) in Data(update.FormattedValues)) element.Data[mimeType] = data;
    }

    private void AppendStream(string name, IReadOnlyCollection<FormattedValue> values)
    {
        var text = string.Concat(values.Where(value => value.MimeType == PlainTextFormatter.MimeType).Select(value => value.Value));
        if (text.Length == 0) return;
        if (_cell!.Count > 0 && _cell[^1] is TextElement last && last.Name == name)
        {
            _cell[^1] = new TextElement(last.Text + text, name);
        }
        else
        {
            _cell.Add(new TextElement(text, name));
        }
    }

    private static Dictionary<string, object> Data(IEnumerable<FormattedValue> values) =>
        values.GroupBy(value => value.MimeType).ToDictionary(group => group.Key, group => (object)group.Last().Value);

    private static string[] MimeTypes(DisplayEvent displayEvent) =>
        [.. displayEvent.FormattedValues.Select(value => value.MimeType).Distinct().Order(StringComparer.Ordinal)];
}
