using Xunit.Abstractions;
using Xunit.Sdk;

namespace AiAspire.RagService.Tests;

/// <summary>A test case reported as skipped with a reason decided at discovery.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer only.", error: true)]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string reason)
        : base(sink, display, options, method)
    {
        _reason = reason;
    }

    public override void Serialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.Serialize(data);
        data.AddValue("SkipReasonText", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _reason = data.GetValue<string>("SkipReasonText");
        base.Deserialize(data);
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;
}
