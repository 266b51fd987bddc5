namespace Esr.Kernel.Judging;

/// <summary>The APIs a judge can be served from.</summary>
public enum JudgeProvider
{
    /// <summary>Anthropic's Messages API (official SDK), key in ANTHROPIC_API_KEY.</summary>
    Anthropic,

    /// <summary>OpenRouter's OpenAI-compatible chat completions, key in OPENROUTER_API_KEY.</summary>
    OpenRouter,

    /// <summary>OpenAI, or any OpenAI-compatible server (vLLM, Ollama) at a given base URL; key in OPENAI_API_KEY.</summary>
    OpenAI,
}
