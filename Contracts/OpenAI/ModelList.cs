namespace AiAspire.Contracts.OpenAI;

public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy);
