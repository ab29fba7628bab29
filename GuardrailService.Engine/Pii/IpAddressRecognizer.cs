using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// IPv4 addresses (four octets 0–255) and IPv6 addresses in every RFC 4291 form (compressed, IPv4-embedded, with a
/// zone), each with an optional CIDR prefix that is kept in the span only when it is in range. Candidates are
/// validated by <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>, so times ("12:34:56"), MAC
/// addresses and C++ scopes ("std::cout") do not match; an address glued to a word is not an address.
/// </summary>
public sealed partial class IpAddressRecognizer : IPiiRecognizer
{
    public const double MatchScore = 0.6;

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.IpAddress];

    public IReadOnlyCollection<string> ContextWords { get; } =
        ["ip", "ipv4", "ipv6", "address", "addr", "host", "server", "client", "gateway", "subnet", "route", "connect", "connecting", "src", "dst", "source", "destination", "from"];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        for (var match = IPv4().Match(text); match.Success; match = match.NextMatch())
        {
            if (IPAddress.TryParse(match.Groups["address"].ValueSpan, out var address)
                && address.AddressFamily == AddressFamily.InterNetwork
                && match.Groups["address"].ValueSpan.Count('.') == 3)
            {
                findings.Add(new PiiFinding(PiiTypes.IpAddress, match.Index, EndWithPrefix(match, 32), MatchScore));
            }
        }
        for (var match = IPv6().Match(text); match.Success; match = match.NextMatch())
        {
            var candidate = match.Groups["address"].ValueSpan;
            if (candidate.Count(':') < 2 || !IsIPv6(candidate))
            {
                continue;
            }
            findings.Add(new PiiFinding(PiiTypes.IpAddress, match.Index, EndWithPrefix(match, 128), MatchScore));
        }
        return findings.Count < 2 ? findings : WithoutContained(findings);
    }

    private static bool IsIPv6(ReadOnlySpan<char> candidate)
    {
        // An embedded IPv4 tail must be a full dotted quad; the parser is laxer than RFC 4291 there.
        var dot = candidate.IndexOf('.');
        if (dot >= 0)
        {
            var tail = candidate[(candidate[..dot].LastIndexOf(':') + 1)..];
            if (tail.Count('.') != 3 || !IPAddress.TryParse(tail, out _))
            {
                return false;
            }
        }
        return IPAddress.TryParse(candidate, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static int EndWithPrefix(Match match, int maxPrefix)
    {
        var end = match.Groups["address"].Index + match.Groups["address"].Length;
        var zone = match.Groups["zone"];
        if (zone.Success)
        {
            end = zone.Index + zone.Length;
        }
        var prefix = match.Groups["prefix"];
        return prefix.Success && int.TryParse(prefix.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits <= maxPrefix
            ? prefix.Index + prefix.Length
            : end;
    }

    /// <summary>The dotted quad inside "::ffff:192.0.2.1" is part of the IPv6 address, not a second finding.</summary>
    private static List<PiiFinding> WithoutContained(List<PiiFinding> findings) =>
        findings.Where(f => !findings.Any(o => !o.Equals(f) && o.Start <= f.Start && f.End <= o.End && o.Length > f.Length))
            .OrderBy(f => f.Start)
            .ToList();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_.])(?<address>[0-9]{1,3}(?:\.[0-9]{1,3}){3})(?:/(?<prefix>[0-9]{1,4}))?(?![\p{L}\p{N}_])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex IPv4();

    // A maximal run of hex digits, colons and dots (atomic: the parser decides), a trailing sentence dot left out,
    // then an optional zone and prefix; nothing glued on either side.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_:.])(?<address>(?>[0-9A-Fa-f:.]{1,59}[0-9A-Fa-f:]))(?:%(?<zone>[0-9A-Za-z]{1,16}))?(?:/(?<prefix>[0-9]{1,4}))?(?![\p{L}\p{N}_])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex IPv6();
}
