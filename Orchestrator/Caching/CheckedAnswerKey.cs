using AiAspire.Orchestrator.Templates;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// A request's key in the <see cref="CheckedAnswerCache"/>, with what it was worked out from (the policy version and
/// the template catalog), so that the store after the answer can reuse the lookup's key while both still hold.
/// </summary>
internal sealed record CheckedAnswerKey(string PolicyVersion, TemplateCatalog.Snapshot Catalog, string Key, PromptTemplate? Template);
