using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

namespace Esr.Kernel.Judging;

/// <summary>
/// Builds judges over real APIs. Keys come only from the environment (<see cref="SecretRedactor.KeyVariables"/>, or the
/// variable a caller names); they are handed to the SDK and never logged, stored or put into messages, and the clients
/// built here take them out of every reply in case a server echoes them (<see cref="SecretRedactor"/>). Every
/// backend's HttpClient runs the retry and timeout pipeline of <see cref="JudgeHttpResilience"/>, with the SDK's own
/// retries off, and reads no body over <see cref="JudgeReplyLimit.MaxBytes"/>.
/// </summary>
public static class JudgeBackends
{
    /// <summary>OpenRouter's OpenAI-compatible base URL.</summary>
    public static Uri OpenRouterBaseUrl { get; } = new("https://openrouter.ai/api/v1");

    /// <summary>
    /// A judge for an alias or model id routed as ESR_SPEC §2.3 says (see <see cref="JudgeAliases.Route"/>), or a local
    /// model as <c>local:&lt;model directory&gt;</c> (<see cref="LocalChatClient"/>), with the provider's default limits
    /// unless <paramref name="options"/> is given.
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider's key variable is not set.</exception>
    public static ChatClientJudge Create(string aliasOrModel, JudgeClientOptions? options = null, JudgePrompt? prompt = null, ILogger? logger = null)
    {
        var (client, name, limits) = CreateClient(aliasOrModel, options, logger);
        return new ChatClientJudge(client, name, limits, prompt, logger: logger, ownsClient: true);
    }

    /// <summary>
    /// A concreteness grader (ESR_SPEC §3) on the same backends as <see cref="Create"/>; the paper's grader is
    /// <see cref="ConcretenessGrader.PaperModel"/> (alias <c>sonnet</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider's key variable is not set.</exception>
    public static ConcretenessGrader CreateGrader(
        string aliasOrModel, ConcretenessCache? cache = null, JudgeClientOptions? options = null, JudgePrompt? prompt = null, ILogger? logger = null)
    {
        var (client, name, limits) = CreateClient(aliasOrModel, options, logger);
        return new ConcretenessGrader(client, name, cache, prompt, limits, logger: logger, ownsClient: true);
    }

    /// <summary>
    /// The chat client for an alias, model id or <c>local:&lt;dir&gt;</c>, with the name judges and caches use and the
    /// limits that apply (the given ones, or the provider's defaults; one call at a time for a local model).
    /// </summary>
    /// <param name="aliasOrModel">The alias, model id or <c>local:&lt;dir&gt;</c>.</param>
    /// <param name="options">Limits; null for the provider's defaults.</param>
    /// <param name="logger">Logs the calls; null for none.</param>
    /// <param name="localDevice">Where a local model computes; null for the CPU.</param>
    /// <exception cref="InvalidOperationException">The provider's key variable is not set.</exception>
    public static (IChatClient Client, string Name, JudgeClientOptions Options) CreateClient(
        string aliasOrModel, JudgeClientOptions? options = null, ILogger? logger = null, TorchSharp.torch.Device? localDevice = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aliasOrModel);
        if (aliasOrModel.StartsWith(LocalChatClient.Prefix, StringComparison.Ordinal))
        {
            var local = LocalChatClient.Load(aliasOrModel[LocalChatClient.Prefix.Length..], device: localDevice);
            return (local, local.ModelId, options ?? JudgeClientOptions.Local);
        }
        var model = JudgeAliases.Resolve(aliasOrModel);
        var provider = JudgeAliases.Route(model);
        options ??= provider == JudgeProvider.Anthropic ? JudgeClientOptions.Anthropic : JudgeClientOptions.OpenAiCompatible;
        var client = provider switch
        {
            JudgeProvider.Anthropic => AnthropicChatClient(model, options, logger: logger),
            JudgeProvider.OpenRouter => OpenAiChatClient(model, OpenRouterBaseUrl, "OPENROUTER_API_KEY", options, logger),
            _ => OpenAiChatClient(model, null, "OPENAI_API_KEY", options, logger),
        };
        return (client, model, options);
    }

    /// <summary>
    /// A judge on an OpenAI-compatible chat-completions endpoint: OpenAI (no base URL), OpenRouter, or a vLLM or
    /// Ollama server (e.g. <c>http://localhost:11434/v1</c>). A local server needs no key: pass a null variable.
    /// </summary>
    /// <param name="model">The model id sent to the endpoint.</param>
    /// <param name="baseUrl">The endpoint's base URL (the part before <c>/chat/completions</c>); null for OpenAI.</param>
    /// <param name="apiKeyVariable">The environment variable holding the key; null for keyless servers.</param>
    /// <param name="options">Limits; <see cref="JudgeClientOptions.OpenAiCompatible"/> when null.</param>
    /// <param name="prompt">The prompt texts.</param>
    /// <param name="logger">Where retries and failures are logged.</param>
    /// <param name="handler">The innermost HTTP handler (tests); a fresh SocketsHttpHandler when null.</param>
    public static ChatClientJudge OpenAiCompatible(
        string model, Uri? baseUrl, string? apiKeyVariable, JudgeClientOptions? options = null, JudgePrompt? prompt = null,
        ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        options ??= JudgeClientOptions.OpenAiCompatible;
        var client = OpenAiChatClient(model, baseUrl, apiKeyVariable, options, logger, handler);
        return new ChatClientJudge(client, model, options, prompt, logger: logger, ownsClient: true);
    }

    /// <summary>
    /// The chat client behind <see cref="OpenAiCompatible"/> (retry and timeout pipeline included), for a
    /// <see cref="ConcretenessGrader"/> or any other caller; it owns its HttpClient.
    /// </summary>
    public static IChatClient OpenAiChatClient(
        string model, Uri? baseUrl, string? apiKeyVariable, JudgeClientOptions options, ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(options);
        var key = apiKeyVariable is null ? "no-key" : ReadKey(apiKeyVariable);
        var http = JudgeHttpResilience.CreateHttpClient(options, logger, handler);
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = options.TotalTimeout,
        };
        if (baseUrl is not null) clientOptions.Endpoint = baseUrl;
        var chat = new ChatClient(model, new ApiKeyCredential(key), clientOptions).AsIChatClient();
        return new KeyedChatClient(chat, http, new SecretRedactor(key));
    }

    /// <summary>
    /// A judge on Anthropic's Messages API through the official SDK's IChatClient adapter, key from
    /// ANTHROPIC_API_KEY, limits <see cref="JudgeClientOptions.Anthropic"/> (3 calls/s) unless given.
    /// </summary>
    /// <param name="model">The model id, e.g. <see cref="JudgeAliases.PaperPrimary"/>.</param>
    /// <param name="options">Limits.</param>
    /// <param name="prompt">The prompt texts.</param>
    /// <param name="baseUrl">Another base URL (a proxy, or a test server); Anthropic's when null.</param>
    /// <param name="logger">Where retries and failures are logged.</param>
    /// <param name="handler">The innermost HTTP handler (tests).</param>
    public static ChatClientJudge Anthropic(
        string model, JudgeClientOptions? options = null, JudgePrompt? prompt = null, Uri? baseUrl = null,
        ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        options ??= JudgeClientOptions.Anthropic;
        var client = AnthropicChatClient(model, options, baseUrl, logger, handler);
        return new ChatClientJudge(client, model, options, prompt, logger: logger, ownsClient: true);
    }

    /// <summary>The chat client behind <see cref="Anthropic"/>; it owns its HttpClient.</summary>
    public static IChatClient AnthropicChatClient(
        string model, JudgeClientOptions options, Uri? baseUrl = null, ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(options);
        var key = ReadKey("ANTHROPIC_API_KEY");
        var http = JudgeHttpResilience.CreateHttpClient(options, logger, handler);
        var client = new AnthropicClient
        {
            ApiKey = key,
            HttpClient = http,
            MaxRetries = 0,
            Timeout = options.TotalTimeout,
        };
        if (baseUrl is not null) client = (AnthropicClient)client.WithOptions(o => o with { BaseUrl = baseUrl.ToString().TrimEnd('/') });
        return new KeyedChatClient(client.AsIChatClient(model, options.MaxOutputTokens), http, new SecretRedactor(key));
    }

    private static string ReadKey(string variable)
    {
        var key = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(key))
            throw new InvalidOperationException($"no API key: the environment variable {variable} is not set.");
        return key;
    }
}
