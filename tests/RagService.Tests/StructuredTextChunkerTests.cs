using AiAspire.RagService.Chunking;

namespace AiAspire.RagService.Tests;

public sealed class StructuredTextChunkerTests
{
    private static StructuredTextChunker Chunker(int maxTokens = 160, int overlapTokens = 24) =>
        new(new TestOptionsMonitor<ChunkingOptions>(new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens }));

    private static string Sentences(int count, string topic = "policy") => string.Join(" ",
        Enumerable.Range(1, count).Select(i => $"Sentence {i} explains one more detail of the {topic} in eight words."));

    [Fact]
    public void Markdown_sections_carry_the_path_of_headings_above_them()
    {
        const string text = """
            # Handbook

            Welcome to the company.

            ## Time off

            ### Vacation

            Employees get 25 days.

            ### Sick leave

            Call your manager.

            ## Expenses

            Receipts within a month.
            """;

        var chunks = Chunker().Chunk(text, DocumentContentType.Markdown, "handbook.md");

        Assert.Equal(
            ["Handbook", "Handbook > Time off > Vacation", "Handbook > Time off > Sick leave", "Handbook > Expenses"],
            chunks.Select(c => c.HeadingPath));
        Assert.Equal(
            ["Welcome to the company.", "Employees get 25 days.", "Call your manager.", "Receipts within a month."],
            chunks.Select(c => c.Text));
        Assert.All(chunks, c => Assert.Equal("handbook.md", c.Source));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
    }

    [Fact]
    public void Markdown_headings_inside_code_fences_and_setext_headings_are_read_as_markdown_does()
    {
        const string text = "Guide\n=====\n\nInstall it:\n\n```bash\n# not a heading\napt-get install tool\n```\n\nUsage\n-----\n\nRun tool --help.\n";

        var chunks = Chunker().Chunk(text, DocumentContentType.Markdown, "guide.md");

        Assert.Equal(["Guide", "Guide > Usage"], chunks.Select(c => c.HeadingPath));
        Assert.Contains("# not a heading", chunks[0].Text);
        Assert.Equal("Run tool --help.", chunks[1].Text);
    }

    [Fact]
    public void Plain_text_has_no_heading_path_even_with_hash_lines()
    {
        var chunks = Chunker().Chunk("# not markdown\n\nJust text.", DocumentContentType.Text, "notes.txt");

        var chunk = Assert.Single(chunks);
        Assert.Null(chunk.HeadingPath);
        Assert.Equal("# not markdown\n\nJust text.", chunk.Text);
    }

    [Fact]
    public void Every_chunk_is_exactly_the_source_text_at_its_offsets()
    {
        var text = "# Title\r\n\r\nIntro line.\r\n\r\n## Part\r\n\r\n" + Sentences(60) + "\r\n\r\n" + Sentences(30, "budget");

        var chunks = Chunker(maxTokens: 50, overlapTokens: 10).Chunk(text, DocumentContentType.Markdown, "doc.md");

        Assert.True(chunks.Count > 5);
        Assert.All(chunks, c => Assert.Equal(text[c.Start..c.End], c.Text));
        Assert.All(chunks, c => Assert.False(char.IsWhiteSpace(c.Text[0]) || char.IsWhiteSpace(c.Text[^1])));
    }

    [Fact]
    public void Long_sections_split_within_the_token_budget_with_overlap_starting_at_a_sentence()
    {
        var text = Sentences(40);

        var chunks = Chunker(maxTokens: 50, overlapTokens: 12).Chunk(text, DocumentContentType.Text, "doc.txt");

        Assert.True(chunks.Count >= 9, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, 50));
        Assert.All(chunks, c => Assert.Equal(c.Text.Split(' ').Length, c.Tokens));
        for (var i = 1; i < chunks.Count; i++)
        {
            var overlap = chunks[i - 1].End - chunks[i].Start;
            Assert.True(overlap > 0, $"chunk {i} does not overlap the one before");
            Assert.InRange(text[chunks[i].Start..chunks[i - 1].End].Split(' ').Length, 1, 12);
            Assert.StartsWith("Sentence ", chunks[i].Text);
            Assert.EndsWith(".", chunks[i - 1].Text);
        }
        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(text.Length, chunks[^1].End);
    }

    [Fact]
    public void Without_overlap_chunks_tile_the_text()
    {
        var text = Sentences(30);

        var chunks = Chunker(maxTokens: 40, overlapTokens: 0).Chunk(text, DocumentContentType.Text, "doc.txt");

        Assert.True(chunks.Count > 1);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Start > chunks[i - 1].End);
            Assert.True(string.IsNullOrWhiteSpace(text[chunks[i - 1].End..chunks[i].Start]));
        }
        Assert.Equal(text.Split(' ').Length, chunks.Sum(c => c.Tokens));
    }

    [Fact]
    public void A_chunk_ends_at_a_paragraph_break_rather_than_mid_paragraph()
    {
        var first = Sentences(4, "vacation"); // 48 words
        var second = Sentences(4, "expenses");
        var text = first + "\n\n" + second;

        var chunks = Chunker(maxTokens: 60, overlapTokens: 0).Chunk(text, DocumentContentType.Text, "doc.txt");

        Assert.Equal([first, second], chunks.Select(c => c.Text));
    }

    [Fact]
    public void A_sentence_longer_than_the_budget_is_cut_between_words()
    {
        var text = string.Join(" ", Enumerable.Range(0, 130).Select(i => "word" + i));

        var chunks = Chunker(maxTokens: 50, overlapTokens: 0).Chunk(text, DocumentContentType.Text, "doc.txt");

        Assert.Equal([50, 50, 30], chunks.Select(c => c.Tokens));
        Assert.Equal(text, string.Join(" ", chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Text_without_spaces_is_counted_per_character_and_still_split()
    {
        var text = string.Concat(Enumerable.Repeat("员工每年享有二十五天带薪休假。", 20));

        var chunks = Chunker(maxTokens: 100, overlapTokens: 0).Chunk(text, DocumentContentType.Text, "zh.txt");

        Assert.Equal([90, 90, 90, 30], chunks.Select(c => c.Tokens));
        Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.EndsWith("。", c.Text));
    }

    [Fact]
    public void Options_reject_an_overlap_larger_than_half_the_chunk()
    {
        var options = new ChunkingOptions { MaxTokens = 100, OverlapTokens = 60 };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Single(errors);
    }
}
