namespace AiAspire.RagService.Tests;

/// <summary>A COVID-QA question and where its labelled answer lies: characters [AnswerStart, AnswerEnd) of article DocId.</summary>
public sealed record CovidQaQuestion(string Id, string Question, string DocId, int AnswerStart, int AnswerEnd);
