namespace AiAspire.GuardrailService.Injection;

/// <summary>Sentence embeddings for the injection classifier; one implementation per model.</summary>
public interface ITextEmbedder
{
    /// <summary>The model's name, recorded with the classifier's weights so that weights never meet another model's vectors.</summary>
    string Model { get; }

    int Dimensions { get; }

    /// <summary>One unit-length vector per text, in order.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
