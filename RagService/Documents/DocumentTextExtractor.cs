using System.Text;
using System.Text.Json;
using AiAspire.RagService.Chunking;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace AiAspire.RagService.Documents;

/// <summary>
/// Text from uploaded files, chosen by file extension: .txt, .md/.markdown, .html/.htm (AngleSharp, headings kept as
/// Markdown headings), .pdf (PdfPig, pages in reading order) and .json (one "path: value" line per scalar).
/// </summary>
public static class DocumentTextExtractor
{
    public static readonly IReadOnlyList<string> SupportedExtensions = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".json"];

    private const int MaxDepth = 64;
    private const int MaxPdfPages = 5_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsSupported(string fileName) =>
        SupportedExtensions.Contains(Path.GetExtension(fileName), StringComparer.OrdinalIgnoreCase);

    /// <exception cref="DocumentExtractionException">The bytes do not parse as the extension says.</exception>
    /// <exception cref="NotSupportedException">The extension is not one of <see cref="SupportedExtensions"/>.</exception>
    public static ExtractedDocument Extract(string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".txt" => new(Utf8(content), DocumentContentType.Text),
            ".md" or ".markdown" => new(Utf8(content), DocumentContentType.Markdown),
            ".html" or ".htm" => new(HtmlToMarkdown(Utf8(content)), DocumentContentType.Markdown),
            ".pdf" => new(PdfText(content), DocumentContentType.Text),
            ".json" => new(JsonText(content), DocumentContentType.Text),
            var other => throw new NotSupportedException($"'{other}' files are not supported; use one of {string.Join(", ", SupportedExtensions)}."),
        };
    }

    private static string Utf8(byte[] content)
    {
        try
        {
            var text = StrictUtf8.GetString(content);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException ex)
        {
            throw new DocumentExtractionException($"The file is not valid UTF-8 (at byte {ex.Index}).", ex);
        }
    }

    private static string HtmlToMarkdown(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var output = new StringBuilder();
        var title = document.Title?.Trim();
        var body = document.Body;
        if (body is null)
        {
            return title ?? "";
        }
        foreach (var hidden in body.QuerySelectorAll("script, style, noscript, template, nav, svg").ToList())
        {
            hidden.Remove();
        }
        if (!string.IsNullOrEmpty(title) && body.QuerySelector("h1") is null)
        {
            output.Append("# ").Append(title).Append("\n\n");
        }
        Blocks(body, output, depth: 0);
        return output.ToString().Trim();
    }

    /// <summary>Headings become Markdown headings; every other block becomes a paragraph of its whitespace-collapsed text.</summary>
    private static void Blocks(IElement element, StringBuilder output, int depth)
    {
        if (depth > MaxDepth)
        {
            Paragraph(element.TextContent, output);
            return;
        }
        var inline = new StringBuilder();
        foreach (var node in element.ChildNodes)
        {
            if (node is IElement child && IsBlock(child.LocalName))
            {
                Paragraph(inline.ToString(), output);
                inline.Clear();
                if (child.LocalName is ['h', >= '1' and <= '6'])
                {
                    var text = Collapse(child.TextContent);
                    if (text.Length > 0)
                    {
                        output.Append('#', child.LocalName[1] - '0').Append(' ').Append(text).Append("\n\n");
                    }
                }
                else
                {
                    Blocks(child, output, depth + 1);
                }
            }
            else
            {
                inline.Append(node.TextContent);
            }
        }
        Paragraph(inline.ToString(), output);
    }

    private static bool IsBlock(string name) => name is "p" or "div" or "section" or "article" or "main" or "header" or "footer" or "aside"
        or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "ul" or "ol" or "li" or "table" or "thead" or "tbody" or "tr" or "td" or "th"
        or "blockquote" or "pre" or "dl" or "dt" or "dd" or "figure" or "figcaption" or "br" or "hr" or "form" or "fieldset";

    private static void Paragraph(string text, StringBuilder output)
    {
        var collapsed = Collapse(text);
        if (collapsed.Length > 0)
        {
            output.Append(collapsed).Append("\n\n");
        }
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string PdfText(byte[] content)
    {
        try
        {
            using var pdf = PdfDocument.Open(content);
            if (pdf.NumberOfPages > MaxPdfPages)
            {
                throw new DocumentExtractionException($"The PDF has {pdf.NumberOfPages} pages; at most {MaxPdfPages} are read.");
            }
            var pages = new List<string>(pdf.NumberOfPages);
            foreach (var page in pdf.GetPages())
            {
                pages.Add(ContentOrderTextExtractor.GetText(page).Trim());
            }
            return string.Join("\n\n", pages.Where(text => text.Length > 0));
        }
        catch (Exception ex) when (ex is not DocumentExtractionException and not OutOfMemoryException)
        {
            // PdfPig signals damage with several exception types; to the caller they all mean the same thing.
            throw new DocumentExtractionException("The file is not a readable PDF (damaged, encrypted or not a PDF).", ex);
        }
    }

    private static string JsonText(byte[] content)
    {
        try
        {
            using var json = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = MaxDepth });
            var output = new StringBuilder();
            Lines(json.RootElement, "", output);
            return output.ToString().TrimEnd();
        }
        catch (JsonException ex)
        {
            throw new DocumentExtractionException($"The file is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Lines(JsonElement element, string path, StringBuilder output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Lines(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", output);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Lines(item, $"{path}[{index++}]", output);
                }
                break;
            case JsonValueKind.String:
                output.Append(path.Length == 0 ? "" : path + ": ").Append(element.GetString()).Append('\n');
                break;
            case JsonValueKind.Null:
                break;
            default:
                output.Append(path.Length == 0 ? "" : path + ": ").Append(element.GetRawText()).Append('\n');
                break;
        }
    }
}
