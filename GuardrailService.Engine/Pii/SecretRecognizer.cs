using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Credentials pasted into prompts: provider API keys by their published prefixes (OpenAI and Anthropic <c>sk-</c>,
/// GitHub, GitLab, Slack, Google, Stripe, Hugging Face), AWS access key ids and secret keys, JWTs, PEM private-key
/// blocks, passwords in connection strings and key=value settings, and the user-info part of URLs
/// (<c>postgres://user:pass@host</c>). Only the secret itself is replaced, so "Server=db;Password=&lt;PASSWORD_1&gt;"
/// still tells a model what the string is.
/// </summary>
public sealed partial class SecretRecognizer : IPiiRecognizer
{
    public const double ProviderKeyScore = 0.95;
    public const double AssignedSecretScore = 0.8;

    /// <summary>Longest PEM block scanned for its END line; an RSA-8192 key is about 6,500 characters.</summary>
    private const int MaxPemLength = 16_384;

    public IReadOnlyCollection<string> SupportedTypes { get; } =
        [PiiTypes.ApiKey, PiiTypes.AwsAccessKey, PiiTypes.Jwt, PiiTypes.PrivateKey, PiiTypes.Password, PiiTypes.UrlCredentials];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        Add(findings, ProviderKey(), text, PiiTypes.ApiKey, ProviderKeyScore);
        Add(findings, AwsAccessKeyId(), text, PiiTypes.AwsAccessKey, ProviderKeyScore);
        Add(findings, AwsSecretKey(), text, PiiTypes.ApiKey, ProviderKeyScore);
        Add(findings, JsonWebToken(), text, PiiTypes.Jwt, ProviderKeyScore);
        Add(findings, UrlUserInfo(), text, PiiTypes.UrlCredentials, ProviderKeyScore);
        Add(findings, PasswordSetting(), text, PiiTypes.Password, AssignedSecretScore);
        Add(findings, TokenSetting(), text, PiiTypes.ApiKey, AssignedSecretScore);
        AddPrivateKeys(findings, text);
        return PiiAnalyzer.ResolveOverlaps(findings);
    }

    /// <summary>The match's <c>value</c> group when it has one (the secret after "password="), else the whole match.</summary>
    private static void Add(List<PiiFinding> findings, Regex regex, string text, string type, double score)
    {
        for (var match = regex.Match(text); match.Success; match = match.NextMatch())
        {
            var value = match.Groups["value"];
            var (start, length) = value.Success ? (value.Index, value.Length) : (match.Index, match.Length);
            if (length > 0)
            {
                findings.Add(new PiiFinding(type, start, start + length, score));
            }
        }
    }

    /// <summary>BEGIN line to END line; a block cut off before its END line is masked to the end of its base64 body.</summary>
    private static void AddPrivateKeys(List<PiiFinding> findings, string text)
    {
        for (var match = PemBegin().Match(text); match.Success; match = match.NextMatch())
        {
            var bodyStart = match.Index + match.Length;
            var searchLength = Math.Min(MaxPemLength, text.Length - bodyStart);
            var endLine = PemEnd().Match(text, bodyStart, searchLength);
            int end;
            if (endLine.Success)
            {
                end = endLine.Index + endLine.Length;
            }
            else
            {
                end = EndOfBody(text, bodyStart, bodyStart + searchLength);
            }
            findings.Add(new PiiFinding(PiiTypes.PrivateKey, match.Index, end, 1.0));
        }
    }

    /// <summary>
    /// Where a PEM body without its END line stops: after the last line that is base64 or an RFC 1421 header
    /// ("Proc-Type: 4,ENCRYPTED"), before the first blank or prose line.
    /// </summary>
    private static int EndOfBody(string text, int start, int limit)
    {
        var end = start;
        var position = start;
        while (position < limit)
        {
            var newline = text.IndexOf('\n', position, limit - position);
            var lineEnd = newline < 0 ? limit : newline;
            var line = text.AsSpan(position, lineEnd - position).Trim();
            if (line.IsEmpty && position > start)
            {
                break;
            }
            if (!line.IsEmpty && !IsBase64Line(line) && !PemHeader().IsMatch(line))
            {
                break;
            }
            end = position + text.AsSpan(position, lineEnd - position).TrimEnd().Length;
            position = lineEnd + 1;
        }
        return end;
    }

    private static bool IsBase64Line(ReadOnlySpan<char> line)
    {
        foreach (var c in line)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                return false;
            }
        }
        return true;
    }

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    [GeneratedRegex("""
        (?<![A-Za-z0-9_\-])(?:
          sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,200}
        | gh[pousr]_[A-Za-z0-9]{36,100}
        | github_pat_[A-Za-z0-9_]{22,255}
        | glpat-[A-Za-z0-9_\-]{20,100}
        | xox[abprs]-[A-Za-z0-9\-]{10,200}
        | AIza[0-9A-Za-z_\-]{35}
        | (?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,200}
        | hf_[A-Za-z0-9]{30,100}
        )(?![A-Za-z0-9_\-])
        """, Options | RegexOptions.IgnorePatternWhitespace, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex ProviderKey();

    [GeneratedRegex(@"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}(?![A-Z0-9])",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i:aws_?secret_?(?:access_?)?key|secretaccesskey)[""']?\s{0,4}[:=]\s{0,4}[""']?(?<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{8,4096}\.eyJ[A-Za-z0-9_\-]{2,8192}\.[A-Za-z0-9_\-]{0,1024}(?![A-Za-z0-9_\-])",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex JsonWebToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,30}://(?<value>[^\s:/?#@\[\]""'<>]{0,256}:[^\s/?#@""'<>]{1,256})@",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex UrlUserInfo();

    // Connection strings and settings: "Password=…;" "pwd=…" "password: '…'" "\"password\": \"…\"". The value runs to
    // the next separator or closing quote; a bare value after a colon must not be a plain word ("password: required").
    [GeneratedRegex("""
        (?<![A-Za-z0-9_])(?i:password|passwd|pwd|db_?password|client_?secret)["']?\s{0,4}
        (?: = \s{0,4} (?: "(?<value>[^"\r\n]{1,256})" | '(?<value>[^'\r\n]{1,256})' | (?<value>[^;\s"',&=][^;\s"',&]{0,255}) )
          | : \s{0,4} (?: "(?<value>[^"\r\n]{1,256})" | '(?<value>[^'\r\n]{1,256})' | (?<value>(?=[^;\s"',]*[0-9!@#$%^&*_+\-])[^;\s"',]{6,256}) ) )
        """, Options | RegexOptions.IgnorePatternWhitespace, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex PasswordSetting();

    [GeneratedRegex("""
        (?<![A-Za-z0-9_])(?i:api[_\-]?key|apikey|secret[_\-]?key|access[_\-]?token|auth[_\-]?token|bearer|x-api-key)["']?\s{0,4}[:=]?\s{0,4}["']?
        (?<value>(?=[A-Za-z0-9_\-.]*[0-9])(?=[A-Za-z0-9_\-.]*[A-Za-z])[A-Za-z0-9_\-.]{16,512})(?![A-Za-z0-9_\-.])
        """, Options | RegexOptions.IgnorePatternWhitespace, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex TokenSetting();

    [GeneratedRegex(@"^[A-Za-z\-]{1,30}: [^\r\n]{1,200}$", Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex PemHeader();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex PemBegin();

    [GeneratedRegex(@"-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex PemEnd();
}
