using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// Personal data no other test sends: an email, a phone number, a card number that passes Luhn, an IBAN with valid
/// check digits and an IP address, fresh per test, with the spellings a leak could take (as written, digits only).
/// </summary>
internal sealed class PiiProbe
{
    public string Email { get; }
    public string Phone { get; }
    public string Card { get; }
    public string Iban { get; }
    public string IpAddress { get; }

    /// <summary>The detected types, as the guardrails name them (see GuardrailService's PiiTypes).</summary>
    public static readonly string[] Types = ["EMAIL", "PHONE_NUMBER", "CREDIT_CARD", "IBAN", "IP_ADDRESS"];

    private PiiProbe()
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        Email = $"privacy.probe.{tag}@example.org";
        // 020 7946 0xxx is Ofcom's range for drama: a valid London number that belongs to no one.
        Phone = $"+44 20 7946 0{Digits(3)}";
        Card = Grouped(WithLuhnDigit("4" + Digits(14)), 4);
        Iban = Grouped(GbIban("WEST", "123456" + Digits(8)), 4);
        IpAddress = $"198.51.100.{RandomNumberGenerator.GetInt32(2, 254)}";
    }

    public static PiiProbe Create() => new();

    public IReadOnlyList<string> Values => [Email, Phone, Card, Iban, IpAddress];

    /// <summary>One sentence carrying every value, with the context words that make each one a confident finding.</summary>
    public string Sentence => $"My email is {Email}, call my phone {Phone}, charge card {Card}, pay IBAN {Iban}, my IP is {IpAddress}.";

    /// <summary>Each value as written and, for the numbers, as bare digits/characters (a log or event may strip spaces).</summary>
    public IReadOnlyList<string> Spellings =>
    [
        .. Values,
        Compact(Phone), Compact(Phone).TrimStart('+'), Compact(Card), Compact(Iban),
    ];

    /// <summary>The first spelling of any value found in <paramref name="text"/>, or null.</summary>
    public string? FindIn(string text) => Spellings.FirstOrDefault(s => text.Contains(s, StringComparison.OrdinalIgnoreCase));

    private static string Compact(string value) => new([.. value.Where(c => c != ' ')]);

    private static string Digits(int count)
    {
        var text = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            text.Append((char)('0' + RandomNumberGenerator.GetInt32(10)));
        }
        return text.ToString();
    }

    private static string WithLuhnDigit(string payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var digit = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return payload + (char)('0' + (10 - sum % 10) % 10);
    }

    /// <summary>ISO 13616 check digits: 98 minus the number (letters as 10–35, country + "00" moved to the end) mod 97.</summary>
    private static string GbIban(string bank, string account)
    {
        var rearranged = bank + account + "GB00";
        var numeric = string.Concat(rearranged.Select(c => char.IsAsciiLetter(c) ? (c - 'A' + 10).ToString(CultureInfo.InvariantCulture) : c.ToString()));
        var check = 98 - (int)(BigInteger.Parse(numeric, CultureInfo.InvariantCulture) % 97);
        return $"GB{check:00}{bank}{account}";
    }

    private static string Grouped(string value, int size) =>
        string.Join(' ', Enumerable.Range(0, (value.Length + size - 1) / size).Select(i => value.Substring(i * size, Math.Min(size, value.Length - i * size))));
}
