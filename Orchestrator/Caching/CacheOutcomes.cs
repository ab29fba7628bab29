using System.Runtime.CompilerServices;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// Which cache answered a request: "exact", "semantic" or "miss" (what <c>x-aiaspire-cache</c> and the
/// InferenceCompleted event report). <see cref="PipelineContext.CacheHit"/> says whether any did; the kind is kept
/// beside the context until the context carries it itself.
/// </summary>
public static class CacheOutcomes
{
    public const string Exact = "exact";
    public const string Semantic = "semantic";
    public const string Miss = "miss";

    private static readonly ConditionalWeakTable<PipelineContext, string> Kinds = new();

    public static void Hit(PipelineContext context, string kind)
    {
        context.CacheHit = true;
        Kinds.AddOrUpdate(context, kind);
    }

    public static string Of(PipelineContext context) =>
        !context.CacheHit ? Miss : Kinds.TryGetValue(context, out var kind) ? kind : Exact;
}
