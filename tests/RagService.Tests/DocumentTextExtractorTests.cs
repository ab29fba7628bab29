using System.Text;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;

namespace AiAspire.RagService.Tests;

public sealed class DocumentTextExtractorTests
{
    [Fact]
    public void Html_keeps_headings_as_markdown_and_paragraphs_apart_and_drops_scripts()
    {
        const string html = """
            <!DOCTYPE html><html><head><title>Ignored when the page has an h1</title><style>p { color: red }</style></head>
            <body><nav>Home | About</nav><h1>Guide</h1><p>First   paragraph
            spans lines.</p><div><h2>Setup</h2><ul><li>Install it.</li><li>Run it.</li></ul></div><script>alert(1)</script></body></html>
            """;

        var extracted = DocumentTextExtractor.Extract("guide.HTML", Encoding.UTF8.GetBytes(html));

        Assert.Equal(DocumentContentType.Markdown, extracted.ContentType);
        Assert.Equal("# Guide\n\nFirst paragraph spans lines.\n\n## Setup\n\nInstall it.\n\nRun it.", extracted.Text);
    }

    [Fact]
    public void Html_without_h1_is_titled_by_its_title()
    {
        var extracted = DocumentTextExtractor.Extract("a.htm", Encoding.UTF8.GetBytes("<title>Notes</title><p>Body text.</p>"));

        Assert.Equal("# Notes\n\nBody text.", extracted.Text);
    }

    [Fact]
    public void Json_becomes_one_line_per_scalar_with_its_path()
    {
        var extracted = DocumentTextExtractor.Extract("data.json", Encoding.UTF8.GetBytes("""{"name":"Ada","tags":["math",null,1.5],"ok":true}"""));

        Assert.Equal("name: Ada\ntags[0]: math\ntags[2]: 1.5\nok: true", extracted.Text);
    }

    [Fact]
    public void Pdf_text_comes_back_in_reading_order()
    {
        var extracted = DocumentTextExtractor.Extract("memo.pdf", UploadApiTests.Pdf("First line of the memo.", "Second line."));

        Assert.Equal(DocumentContentType.Text, extracted.ContentType);
        Assert.Contains("First line of the memo.", extracted.Text);
        Assert.True(extracted.Text.IndexOf("First", StringComparison.Ordinal) < extracted.Text.IndexOf("Second", StringComparison.Ordinal));
    }

    [Fact]
    public void Utf8_text_loses_its_byte_order_mark_and_invalid_utf8_is_refused()
    {
        Assert.Equal("hello", DocumentTextExtractor.Extract("a.txt", [0xEF, 0xBB, 0xBF, .. "hello"u8]).Text);
        Assert.Throws<DocumentExtractionException>(() => DocumentTextExtractor.Extract("a.md", [0xC3, 0x28]));
        Assert.Throws<NotSupportedException>(() => DocumentTextExtractor.Extract("a.exe", [1]));
    }
}
