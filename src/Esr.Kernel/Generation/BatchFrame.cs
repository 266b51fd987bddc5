namespace Esr.Kernel.Generation;

/// <summary>
/// One fixed shape for every batch of a run: each batch is filled up to <paramref name="Rows"/> rows and every prompt
/// is left-padded to <paramref name="PromptTokens"/> tokens. Matrix kernels choose their blocking, and so their
/// rounding, by shape: on the CPU a product of one to three rows rounds differently from a wider one, and a longer
/// left pad moves a row's keys within the attention sums; on a GPU the library picks its algorithm by shape. With the
/// shape fixed, a row's numbers, and so its sampled tokens, are the same bits whatever rows share its batch, wherever
/// it sits in it, and however many of them there are.
/// </summary>
/// <param name="Rows">Rows in every batch (the run's batch size); unused rows are fillers that generate nothing.</param>
/// <param name="PromptTokens">Every prompt's padded length: at least the longest prompt the run renders.</param>
public sealed record BatchFrame(int Rows, int PromptTokens);
