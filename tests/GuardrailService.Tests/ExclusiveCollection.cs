namespace AiAspire.GuardrailService.Tests;

/// <summary>
/// Tests that need the cores to themselves run alone, after the parallel ones: embedding hundreds of texts takes every
/// core for seconds, and the pathological-input tests must finish inside a regex timeout, which a starved thread may not.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCollection
{
    public const string Name = "Exclusive";
}
