using System.Text.Json;

namespace AiAspire.RagService.Tests;

/// <summary>
/// shared/data/rag_covidqa (see its README): articles in corpus order and the questions on them. The README notes answer
/// offsets that are off by one, so each trimmed answer is located at its occurrence nearest the label.
/// </summary>
public sealed record CovidQaSet(IReadOnlyDictionary<string, string> Articles, IReadOnlyList<CovidQaQuestion> Questions, int UnlocatedAnswers)
{
    /// <summary>Articles in file order, skipping any longer than <paramref name="maxArticleChars"/> and stopping the corpus at <paramref name="maxCorpusChars"/>.</summary>
    public static CovidQaSet Load(string folder, int maxArticleChars = int.MaxValue, int maxCorpusChars = int.MaxValue)
    {
        var articles = new Dictionary<string, string>(StringComparer.Ordinal);
        var corpusChars = 0L;
        foreach (var line in File.ReadLines(Path.Combine(folder, "corpus.jsonl")))
        {
            var article = JsonDocument.Parse(line).RootElement;
            var text = article.GetProperty("text").GetString()!;
            if (text.Length > maxArticleChars || corpusChars + text.Length > maxCorpusChars)
            {
                continue;
            }
            articles[article.GetProperty("doc_id").GetString()!] = text;
            corpusChars += text.Length;
        }

        var questions = new List<CovidQaQuestion>();
        var unlocated = 0;
        foreach (var line in File.ReadLines(Path.Combine(folder, "queries.jsonl")))
        {
            var query = JsonDocument.Parse(line).RootElement;
            var docId = query.GetProperty("relevant_doc_ids")[0].GetString()!;
            if (!articles.TryGetValue(docId, out var text))
            {
                continue;
            }
            var answer = query.GetProperty("answers")[0];
            var answerText = answer.GetProperty("text").GetString()!.Trim();
            var start = NearestOccurrence(text, answerText, answer.GetProperty("answer_start").GetInt32());
            if (start < 0 || answerText.Length == 0)
            {
                unlocated++;
                continue;
            }
            questions.Add(new CovidQaQuestion(query.GetProperty("query_id").GetString()!, query.GetProperty("question").GetString()!, docId, start, start + answerText.Length));
        }
        return new CovidQaSet(articles, questions, unlocated);
    }

    public long CorpusChars => Articles.Values.Sum(text => (long)text.Length);

    private static int NearestOccurrence(string article, string answer, int labelled)
    {
        var best = -1;
        for (var at = article.IndexOf(answer, StringComparison.Ordinal); at >= 0; at = article.IndexOf(answer, at + 1, StringComparison.Ordinal))
        {
            if (best < 0 || Math.Abs(at - labelled) < Math.Abs(best - labelled))
            {
                best = at;
            }
        }
        return best;
    }
}
