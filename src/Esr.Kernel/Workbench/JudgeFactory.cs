using Esr.Kernel.Judging;
using Esr.Kernel.Toy;
using Microsoft.Extensions.AI;

namespace Esr.Kernel;

/// <summary>
/// The one place a judge or grader spec string becomes a backend, for every front end: the toy world's exact judge
/// (<see cref="Toy"/>) or its lexical judge (<see cref="ToyLexical"/>), an alias or model id routed as ESR_SPEC §2.3, a local model (<c>local:&lt;dir&gt;</c>), or an
/// OpenAI-compatible endpoint URL (an Anthropic-compatible one for a "claude" model without a key variable). Keys come
/// only from the environment; a missing one is one error line naming its variable.
/// </summary>
public static class JudgeFactory
{
    /// <summary>The <c>--judge</c> value of the toy world's exact judge (<see cref="ToyJudge"/>), which calls no model.</summary>
    public const string Toy = "toy";

    /// <summary>The <c>--judge</c> value of the toy world's lexical judge (<see cref="ToyLexicalJudge"/>), a second judge for experiment 7.</summary>
    public const string ToyLexical = ToyLexicalJudge.JudgeName;

    /// <summary>The <c>--grader</c> value that skips the concreteness filter.</summary>
    public const string NoGrader = "none";

    /// <summary>The environment variable naming the user cache root (else <c>$XDG_CACHE_HOME/esr</c>, else <c>~/.cache/esr</c>).</summary>
    public const string CacheVariable = "ESR_CACHE_DIR";

    /// <summary>The default concreteness cache, shared by every run and shard of this user.</summary>
    public static string DefaultGraderCache
    {
        get
        {
            var root = Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } esr ? esr
                : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "esr")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "esr");
            return Path.Combine(root, "concreteness");
        }
    }

    /// <summary>The option of the experiment commands that replaces the judge prompt (<c>esr judge</c> calls it <c>--prompt-file</c>).</summary>
    public const string PromptFileOption = "--judge-prompt-file";

    /// <summary>The prompt texts of a judge prompt file named by <paramref name="option"/>, or null for the built-in ones.</summary>
    /// <exception cref="EsrInputException">The file is missing or not a prompt file; the message names the option.</exception>
    public static JudgePrompt? LoadPrompt(string option, string? path)
    {
        if (path is null) return null;
        try
        {
            return JudgePrompt.Load(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new EsrInputException($"{option}: {e.Message}");
        }
    }

    /// <summary>True when <paramref name="value"/> is an http(s) URL, i.e. names an endpoint rather than a model.</summary>
    public static bool IsEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// A judge; the caller disposes it when it is <see cref="IDisposable"/> (the chat judges are).
    /// </summary>
    /// <param name="judge"><see cref="Toy"/>, <see cref="ToyLexical"/>, an alias, a model id, <c>local:&lt;dir&gt;</c>, or an endpoint URL.</param>
    /// <param name="baseUrl">An endpoint's base URL to which <paramref name="judge"/> is sent as the model, or null.</param>
    /// <param name="keyVariable">With an endpoint: the variable holding its key, null for a keyless server.</param>
    /// <param name="prompt">Overriding prompt texts, or null.</param>
    /// <param name="maxTokens">A chat judge's output token cap.</param>
    /// <param name="endpointModel">The model sent when <paramref name="judge"/> is itself a URL ("judge" when null).</param>
    /// <param name="localDevice">Where a <c>local:&lt;dir&gt;</c> judge computes (cpu, cuda, cuda:N); null for the CPU; other judges ignore it.</param>
    /// <exception cref="EsrInputException">A bad combination of values, a missing key, or a device this machine lacks for a local judge.</exception>
    public static IJudge Create(
        string judge, string? baseUrl, string? keyVariable, JudgePrompt? prompt, int maxTokens, string? endpointModel = null, string? localDevice = null)
    {
        if (judge is Toy or ToyLexical)
        {
            if (baseUrl is not null) throw new EsrInputException($"--judge {judge} calls no model: it takes no --base-url");
            if (prompt is not null) throw new EsrInputException($"--judge {judge} calls no model: it takes no --prompt-file or {PromptFileOption}");
            return judge == Toy ? new ToyJudge() : new ToyLexicalJudge();
        }
        if (!IsEndpoint(judge)) return CreateChatJudge(judge, baseUrl, keyVariable, prompt, maxTokens, localDevice);
        return baseUrl is null
            ? CreateChatJudge(endpointModel ?? "judge", judge, keyVariable, prompt, maxTokens)
            : throw new EsrInputException($"--judge {judge} is an endpoint URL already; --base-url is for a model name");
    }

    /// <summary>
    /// <paramref name="judge"/> behind a verdict cache in <paramref name="cacheDirectory"/> (a cached verdict costs no
    /// call), or <paramref name="judge"/> itself when the folder is null. The caller still disposes <paramref name="judge"/>.
    /// </summary>
    public static IJudge Cached(IJudge judge, string? cacheDirectory) =>
        cacheDirectory is null ? judge : new CachingJudge(judge, new JudgeCache(cacheDirectory));

    private static ChatClientJudge CreateChatJudge(
        string aliasOrModel, string? baseUrl, string? keyVariable, JudgePrompt? prompt, int maxTokens, string? localDevice = null)
    {
        var (client, name, limits) = CreateChatClient("--judge", aliasOrModel, baseUrl, keyVariable, maxTokens, localDevice);
        return new ChatClientJudge(client, name, limits with { MaxOutputTokens = maxTokens }, prompt, ownsClient: true);
    }

    /// <summary>
    /// The chat client of an alias, model id or <c>local:&lt;dir&gt;</c>, or of a model at <paramref name="baseUrl"/>
    /// (Anthropic's wire format for Anthropic models without a key variable, else OpenAI-compatible), with its name and
    /// the limits of its backend; for judges and other LLM roles (e.g. experiment 9's annotator).
    /// </summary>
    /// <param name="option">The option named in a failure's error line.</param>
    /// <param name="aliasOrModel">An alias, model id or <c>local:&lt;dir&gt;</c>; with an endpoint, the model sent to it.</param>
    /// <param name="baseUrl">An endpoint's base URL, or null.</param>
    /// <param name="keyVariable">With an endpoint: the variable holding its key, null for a keyless server.</param>
    /// <param name="maxTokens">An endpoint client's output token cap; null for the backend's default.</param>
    /// <param name="localDevice">Where a <c>local:&lt;dir&gt;</c> model computes; null for the CPU; checked only for a local model.</param>
    public static (IChatClient Client, string Name, JudgeClientOptions Limits) CreateChatClient(
        string option, string aliasOrModel, string? baseUrl, string? keyVariable, int? maxTokens = null, string? localDevice = null) =>
        Backend(option, () =>
        {
            if (baseUrl is null)
            {
                var local = localDevice is not null && aliasOrModel.StartsWith(LocalChatClient.Prefix, StringComparison.Ordinal);
                return JudgeBackends.CreateClient(aliasOrModel, localDevice: local ? ComputeDevice.Parse(localDevice!).Torch : null);
            }
            var uri = Endpoint("--base-url", baseUrl);
            var model = JudgeAliases.Resolve(aliasOrModel);
            bool anthropic = JudgeAliases.Route(model) == JudgeProvider.Anthropic && keyVariable is null;
            var limits = anthropic ? JudgeClientOptions.Anthropic : JudgeClientOptions.OpenAiCompatible;
            limits = limits with { MaxOutputTokens = maxTokens ?? limits.MaxOutputTokens };
            return anthropic
                ? (JudgeBackends.AnthropicChatClient(model, limits, uri), model, limits)
                : (JudgeBackends.OpenAiChatClient(model, uri, keyVariable, limits), model, limits);
        });

    /// <summary>
    /// The concreteness grader of <c>esr experiment</c>, or null when <paramref name="grader"/> is <see cref="NoGrader"/>.
    /// </summary>
    /// <param name="grader">Alias, model id, <c>local:&lt;dir&gt;</c>, an endpoint URL, or <see cref="NoGrader"/>.</param>
    /// <param name="endpointModel">The model name sent to an endpoint URL.</param>
    /// <param name="keyVariable">With an endpoint URL: the variable holding its key, null for a keyless server.</param>
    /// <param name="cacheDirectory">The score cache folder.</param>
    public static ConcretenessGrader? CreateGrader(string grader, string endpointModel, string? keyVariable, string cacheDirectory)
    {
        if (grader == NoGrader) return null;
        return Backend($"--grader {grader}", () =>
        {
            var cache = new ConcretenessCache(cacheDirectory);
            if (!IsEndpoint(grader)) return JudgeBackends.CreateGrader(grader, cache);
            var options = JudgeClientOptions.OpenAiCompatible;
            var client = JudgeBackends.OpenAiChatClient(endpointModel, Endpoint("--grader", grader), keyVariable, options);
            return new ConcretenessGrader(client, endpointModel, cache, options: options, ownsClient: true);
        });
    }

    private static Uri Endpoint(string option, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new EsrInputException($"{option} is not an absolute URL: {url}");

    // A backend that cannot start (no key, no local model folder) is bad input, said in one line with the option.
    private static T Backend<T>(string option, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException)
        {
            throw new EsrInputException($"{option}: {e.Message}");
        }
    }
}
