using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Esr.Magics.Tests;

/// <summary>One event of the real host, as its JSON envelope carries it.</summary>
/// <param name="Type">The event type, e.g. DisplayedValueProduced.</param>
/// <param name="Token">The token of the command it belongs to (child commands: "token.1").</param>
/// <param name="Body">The event's fields.</param>
public sealed record HostEvent(string Type, string? Token, JsonElement Body)
{
    /// <summary>The value of one mime type, or null.</summary>
    public string? Formatted(string mimeType) =>
        Body.TryGetProperty("formattedValues", out var values)
            ? values.EnumerateArray().Where(value => value.GetProperty("mimeType").GetString() == mimeType).Select(value => value.GetProperty("value").GetString()).FirstOrDefault()
            : null;

    /// <summary>A string field of the event, or null.</summary>
    public string? Field(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// Drives the dotnet-interactive tool (the local tool of the repository's dotnet-tools.json) over <c>stdio</c>, as
/// VS Code's Polyglot Notebooks does: one JSON command envelope per line in, event envelopes out. The kernel runs as
/// a child process that outlives a closed stdin, so disposing sends Quit and ends the whole process tree.
/// </summary>
public sealed class InteractiveHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<HostEvent> _events = Channel.CreateUnbounded<HostEvent>();
    private readonly Task _reader;
    private readonly List<string> _errors = [];
    private int _token;

    private InteractiveHost(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (_errors) _errors.Add(line.Data);
        };
        _process.BeginErrorReadLine(); // drained, so a chatty host never blocks on a full pipe
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>What the host wrote to stderr so far, for failure messages.</summary>
    public string Errors
    {
        get
        {
            lock (_errors) return string.Join('\n', _errors.TakeLast(20));
        }
    }

    /// <summary>Starts the tool in <paramref name="repository"/> (where its manifest is), with the kernel working in <paramref name="workingDirectory"/>.</summary>
    public static async Task<InteractiveHost> StartAsync(string repository, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        await RunAsync(repository, environment, "dotnet", "tool", "restore");
        var start = Start(repository, environment, "dotnet", "tool", "run", "dotnet-interactive", "--", "stdio", "--working-dir", workingDirectory);
        return new InteractiveHost(Process.Start(start)!);
    }

    /// <summary>Runs a process to its end; a failure throws with its output.</summary>
    public static async Task RunAsync(string directory, IReadOnlyDictionary<string, string?> environment, string file, params string[] arguments)
    {
        var start = Start(directory, environment, file, arguments);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }

    /// <summary>Submits a cell to the C# kernel and returns its events up to the one that finishes it.</summary>
    public async Task<IReadOnlyList<HostEvent>> SubmitAsync(string code, TimeSpan timeout)
    {
        var token = $"cell-{++_token}";
        var envelope = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
        };
        await _process.StandardInput.WriteLineAsync(envelope.ToJsonString());
        await _process.StandardInput.FlushAsync();
        var events = new List<HostEvent>();
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            HostEvent next;
            try
            {
                next = await _events.Reader.ReadAsync(cancel.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or ChannelClosedException)
            {
                throw new TimeoutException($"no end of cell {token} within {timeout} ({events.Count} events; host stderr: {Errors})", error);
            }
            if (next.Token != token && next.Token?.StartsWith(token + ".", StringComparison.Ordinal) != true) continue;
            events.Add(next);
            if (next.Token == token && next.Type is "CommandSucceeded" or "CommandFailed") return events;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("""{"token":"quit","commandType":"Quit","command":{}}""");
            await _process.StandardInput.FlushAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            // the host did not stop by itself: ended below
        }
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reader;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith('{')) continue; // the banner and other non-JSON lines
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("eventType", out var type)) continue;
            var token = root.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Object && command.TryGetProperty("token", out var t) ? t.GetString() : null;
            await _events.Writer.WriteAsync(new HostEvent(type.GetString()!, token, root.GetProperty("event").Clone()));
        }
        _events.Writer.Complete();
    }

    private static ProcessStartInfo Start(string directory, IReadOnlyDictionary<string, string?> environment, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return start;
    }
}
