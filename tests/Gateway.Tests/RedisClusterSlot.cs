using System.Text;

namespace AiAspire.Gateway.Tests;

/// <summary>Redis Cluster's key → slot mapping: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.</summary>
internal static class RedisClusterSlot
{
    public static int Of(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var open = Array.IndexOf(bytes, (byte)'{');
        if (open >= 0)
        {
            var close = Array.IndexOf(bytes, (byte)'}', open + 1);
            // An empty tag ("{}") does not count: the whole key is hashed.
            if (close > open + 1)
            {
                return Crc16(bytes.AsSpan(open + 1, close - open - 1)) % 16384;
            }
        }
        return Crc16(bytes) % 16384;
    }

    public static int Crc16(ReadOnlySpan<byte> bytes)
    {
        var crc = 0;
        foreach (var b in bytes)
        {
            crc ^= b << 8;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc;
    }
}
