using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Tests;

/// <summary>Accumulates <see cref="RetrievalScores"/> from each question's ranked chunks, judged by their citation offsets.</summary>
public sealed class RetrievalScorer
{
    private int _questions;
    private int _at1;
    private int _at5;
    private int _at10;
    private int _overlapAt5;
    private double _reciprocalRanks;

    public RetrievalScores Scores => _questions == 0
        ? new RetrievalScores(0, 0, 0, 0, 0, 0)
        : new RetrievalScores(_questions, (double)_at1 / _questions, (double)_at5 / _questions, (double)_at10 / _questions,
            _reciprocalRanks / _questions, (double)_overlapAt5 / _questions);

    public void Add(CovidQaQuestion question, IReadOnlyList<RetrievedChunk> ranked)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(ranked);
        _questions++;
        var top10 = ranked.Take(10).ToList();
        _overlapAt5 += top10.Take(5).Any(c => c.DocId == question.DocId && c.Start < question.AnswerEnd && question.AnswerStart < c.End) ? 1 : 0;
        var rank = top10.FindIndex(c => c.DocId == question.DocId && c.Start <= question.AnswerStart && question.AnswerEnd <= c.End);
        if (rank < 0)
        {
            return;
        }
        _at1 += rank < 1 ? 1 : 0;
        _at5 += rank < 5 ? 1 : 0;
        _at10++;
        _reciprocalRanks += 1.0 / (rank + 1);
    }
}
