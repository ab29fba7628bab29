using System.Security.Cryptography;
using System.Text;

namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// The train/held-out split of the injection classifier's data: a row is held out when the first two bytes of
/// SHA-256(seed ":" text) fall in the lowest <see cref="HeldOutShare"/> of their range. The split depends on the text
/// alone (not on row order or count), so the trainer and the tests that measure held-out figures agree.
/// </summary>
public static class InjectionSplit
{
    public const double HeldOutShare = 0.3;

    public static bool IsHeldOut(string text, int seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + text), hash);
        return ((hash[0] << 8) | hash[1]) < HeldOutShare * 65536;
    }

    /// <summary>Lower-case hex SHA-256 of a file, recorded beside the weights for each data file trained on.</summary>
    public static string FileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
