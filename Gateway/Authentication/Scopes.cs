namespace AiAspire.Gateway.Authentication;

public static class Scopes
{
    public const string Chat = "chat";
    public const string Embeddings = "embeddings";
    public const string Retrieve = "retrieve";
    public const string Ingest = "ingest";
    public const string Guard = "guard";
    public const string Feedback = "feedback";
    public const string Quality = "quality";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Chat, Embeddings, Retrieve, Ingest, Guard, Feedback, Quality, Admin,
    };
}
