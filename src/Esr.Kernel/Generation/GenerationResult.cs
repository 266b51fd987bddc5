namespace Esr.Kernel.Generation;

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>A stop token was produced.</summary>
    Stop,

    /// <summary>MaxNewTokens were produced.</summary>
    Length,
}

/// <summary>The tokens generated for one request (the stop token excluded).</summary>
public sealed record GenerationResult(IReadOnlyList<int> TokenIds, FinishReason FinishReason);

/// <summary>A token just generated, for streaming.</summary>
/// <param name="Request">The index of the request in the batch.</param>
/// <param name="TokenId">The token.</param>
/// <param name="Index">Its index in the request's output.</param>
public readonly record struct GeneratedToken(int Request, int TokenId, int Index);
