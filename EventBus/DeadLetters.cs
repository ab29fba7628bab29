namespace AiAspire.EventBus;

/// <summary>Where events go that their handler failed too often: one dead-letter topic per topic, on both transports.</summary>
public static class DeadLetters
{
    public static string TopicOf(string topic) => topic + ".dlq";
}
