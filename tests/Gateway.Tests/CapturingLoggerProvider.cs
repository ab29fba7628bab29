using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AiAspire.Gateway.Tests;

/// <summary>Every log entry of every category, rendered with its message, structured values, scopes and exception.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            Append(line, state);
            provider._scopes.ForEachScope((scope, builder) => Append(builder, scope), line);
            if (exception is not null)
            {
                line.Append(' ').Append(exception);
            }
            provider._lines.Enqueue(line.ToString());
        }

        private static void Append(StringBuilder line, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (name, value) in values)
                {
                    line.Append(' ').Append(name).Append('=').Append(value);
                }
            }
            else if (state is not null)
            {
                line.Append(' ').Append(state);
            }
        }
    }
}
