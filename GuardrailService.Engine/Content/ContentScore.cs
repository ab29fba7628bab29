namespace AiAspire.GuardrailService.Content;

/// <param name="Score">Confidence in [0, 1) that the text asks for or contains content of <paramref name="Category"/>.</param>
/// <param name="Terms">How many of the category's terms matched (diagnostic; the terms themselves are not returned).</param>
public sealed record ContentScore(string Category, double Score, int Terms);
