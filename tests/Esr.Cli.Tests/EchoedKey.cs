using Esr.Kernel.Tests.Judging;

namespace Esr.Cli.Tests;

/// <summary>
/// A judge API key set in the environment for one test, and a hostile loopback judge that echoes whatever key it is
/// sent: inside a graded reply, or in a 401 body for the requests it denies. The key comes from a standard variable
/// (ANTHROPIC_API_KEY, Anthropic's wire format) or from a variable of the test's own (named by --api-key-env,
/// OpenAI's wire format); disposing restores the variable.
/// </summary>
internal sealed class EchoedKey : IDisposable
{
    private const string AnthropicModel = "claude-haiku-4-5-20251001";
    private readonly string? _saved;

    public EchoedKey(bool standardVariable)
    {
        var unique = Guid.NewGuid().ToString("N");
        StandardVariable = standardVariable;
        Variable = standardVariable ? "ANTHROPIC_API_KEY" : "ESR_TEST_MY_KEY_" + unique;
        Value = "sk-echo-" + unique;
        _saved = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, Value);
    }

    public bool StandardVariable { get; }

    public string Variable { get; }

    public string Value { get; }

    /// <summary>A judge server that answers 401 with the key in its body when <paramref name="deny"/> says so.</summary>
    public static LoopbackServer Server(Func<ReceivedRequest, bool> deny) => new(request =>
    {
        var sent = request.Headers.GetValueOrDefault("x-api-key") ?? request.Headers.GetValueOrDefault("Authorization") ?? "";
        bool anthropic = request.Path.EndsWith("/messages", StringComparison.Ordinal);
        if (deny(request))
        {
            return new ScriptedReply(401, anthropic
                ? $"{{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"invalid key {sent}\"}}}}"
                : $"{{\"error\":{{\"message\":\"invalid key {sent}\"}}}}");
        }
        var reply = $"The key was {sent}.\n<json>{{\"attempts\": [{{\"attempt_text\": \"{sent}\", \"score\": 60}}]}}</json>";
        return new ScriptedReply(200, anthropic ? WireFormats.AnthropicMessage(reply) : WireFormats.OpenAiCompletion(reply));
    });

    /// <summary>The options of <c>esr judge</c> that reach <paramref name="server"/> with this key.</summary>
    public string[] JudgeOptions(LoopbackServer server) => StandardVariable
        ? ["--judge", AnthropicModel, "--base-url", server.BaseUrl.ToString()]
        : ["--judge", "test-model", "--base-url", new Uri(server.BaseUrl, "/v1").ToString(), "--api-key-env", Variable];

    /// <summary>The options of a steering experiment whose --judge is <paramref name="server"/>, with this key.</summary>
    public string[] ExperimentOptions(LoopbackServer server) => StandardVariable
        ? ["--judge", server.BaseUrl.ToString(), "--judge-model", AnthropicModel]
        : ["--judge", new Uri(server.BaseUrl, "/v1").ToString(), "--api-key-env", Variable];

    /// <summary>Fails when the key is in any of the texts or in any file under the folders.</summary>
    public void AssertNowhere(IEnumerable<string> texts, params string[] folders)
    {
        Assert.All(texts, text => Assert.DoesNotContain(Value, text));
        var files = folders.SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(File.ReadAllText(file).Contains(Value, StringComparison.Ordinal), $"{file} holds the key"));
    }

    public void Dispose() => Environment.SetEnvironmentVariable(Variable, _saved);
}
