using AiAspire.RagService.Stores;

namespace AiAspire.RagService.Tests;

public sealed class KeywordIndexTests
{
    [Fact]
    public void Tokenize_lowercases_drops_stop_words_and_folds_plurals()
    {
        Assert.Equal(["vaccine", "work", "against", "sars", "cov", "2", "variant", "study"],
            KeywordTokenizer.Tokenize("Do the Vaccines work against SARS-CoV-2 variants? (studies)"));
    }

    [Theory]
    [InlineData("cases", "case")]
    [InlineData("studies", "study")]
    [InlineData("virus", "virus")]
    [InlineData("class", "class")]
    [InlineData("sars", "sars")]
    [InlineData("gas", "gas")]
    [InlineData("covid19s", "covid19s")]
    public void Stem_folds_only_regular_plurals(string word, string stem) => Assert.Equal(stem, KeywordTokenizer.Stem(word));

    [Fact]
    public void Tokenize_cuts_absurdly_long_runs()
    {
        var term = Assert.Single(KeywordTokenizer.Tokenize(new string('x', 10_000)));
        Assert.Equal(KeywordTokenizer.MaxTermLength, term.Length);
    }

    [Fact]
    public void Search_ranks_rare_terms_above_common_ones_and_matches_only_shared_terms()
    {
        var index = KeywordIndex.Build([
            "the patient had a fever and a cough",
            "fever fever fever was reported in most patients",
            "ACE2 is the receptor of the virus",
            "nothing relevant here at all",
        ]);

        var hits = index.Search("which receptor does the virus bind, and does it cause fever?", 10, include: null);

        Assert.Equal([2, 1, 0], hits.Select(h => h.Entry));
        Assert.True(hits[0].Score > hits[1].Score && hits[1].Score > hits[2].Score, string.Join(", ", hits));
        Assert.Empty(index.Search("zebra", 10, include: null));
        Assert.Empty(index.Search("the and of", 10, include: null));
    }

    [Fact]
    public void Search_saturates_term_frequency_and_normalizes_length()
    {
        var index = KeywordIndex.Build([
            "fever",
            "fever " + string.Join(' ', Enumerable.Repeat("padding", 200)),
            "other words entirely",
        ]);

        var hits = index.Search("fever", 10, include: null);

        Assert.Equal([0, 1], hits.Select(h => h.Entry));
    }

    [Fact]
    public void Search_honours_topK_and_the_include_predicate()
    {
        var index = KeywordIndex.Build([.. Enumerable.Range(0, 30).Select(i => $"shared term number{i}")]);

        Assert.Equal(5, index.Search("shared", 5, include: null).Count);
        Assert.Equal([3, 6, 9], index.Search("shared", 3, include: entry => entry % 3 == 0 && entry > 0).Select(h => h.Entry));
    }

    [Fact]
    public void An_empty_index_finds_nothing()
    {
        Assert.Empty(KeywordIndex.Build([]).Search("anything", 5, include: null));
    }
}
