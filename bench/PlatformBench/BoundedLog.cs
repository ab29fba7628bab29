using System.Text;

namespace AiAspire.PlatformBench;

/// <summary>The last lines a child process wrote, kept to explain a failed start.</summary>
internal sealed class BoundedLog
{
    private const int MaxLines = 40;
    private readonly Queue<string> _lines = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return new StringBuilder().AppendJoin('\n', _lines).ToString();
        }
    }
}
