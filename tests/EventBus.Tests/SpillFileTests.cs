using AiAspire.EventBus.Publishing;

namespace AiAspire.EventBus.Tests;

public sealed class SpillFileTests : IDisposable
{
    private static readonly Uri Source = new("/aiaspire/test", UriKind.Relative);
    private readonly string _folder = BusHost.NewSpillPath();

    [Fact]
    public void Append_ThenReadBatch_ReturnsTheMessagesInOrder_WithEveryField()
    {
        var messages = Enumerable.Range(0, 5)
            .Select(i => EventEnvelope.Encode(SampleEvents.Inference("req-" + i), Source, i % 2 == 0 ? "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" : null, i == 0 ? "vendor=x" : null))
            .ToList();
        using var spill = SpillFile.Open(_folder);

        spill.Append(messages[..2]);
        spill.Append(messages[2..]);
        var read = spill.ReadBatch(100);

        Assert.True(spill.HasUnsent);
        Assert.Equal(5, read.Count);
        for (var i = 0; i < 5; i++)
        {
            var (expected, actual) = (messages[i], read[i].Message);
            Assert.Equal((expected.Topic, expected.Id, expected.Type, expected.Key, expected.TraceParent, expected.TraceState),
                (actual.Topic, actual.Id, actual.Type, actual.Key, actual.TraceParent, actual.TraceState));
            Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
        }
        Assert.Equal(spill.Length, read[^1].End);
    }

    [Fact]
    public void ReadBatch_StopsAtMax_AndAdvanceMovesTheCursor()
    {
        using var spill = SpillFile.Open(_folder);
        spill.Append([.. Enumerable.Range(0, 5).Select(i => Encode("req-" + i))]);

        var first = spill.ReadBatch(2);
        spill.Advance(first[^1].End);
        var rest = spill.ReadBatch(100);

        Assert.Equal(["req-0", "req-1"], first.Select(r => RequestId(r.Message)));
        Assert.Equal(["req-2", "req-3", "req-4"], rest.Select(r => RequestId(r.Message)));
    }

    [Fact]
    public void Reopen_ResumesFromThePersistedCursor()
    {
        using (var spill = SpillFile.Open(_folder))
        {
            spill.Append([Encode("a"), Encode("b"), Encode("c")]);
            spill.Advance(spill.ReadBatch(1)[0].End);
        }

        using var reopened = SpillFile.Open(_folder);

        Assert.Equal(["b", "c"], reopened.ReadBatch(100).Select(r => RequestId(r.Message)));
    }

    [Fact]
    public void Reopen_AfterATornAppend_DropsOnlyTheTornRecord_AndAppendsAfterTheLastGoodOne()
    {
        long goodLength;
        using (var spill = SpillFile.Open(_folder))
        {
            spill.Append([Encode("a"), Encode("b")]);
            goodLength = spill.Length;
        }
        using (var file = new FileStream(Path.Combine(_folder, "events.spill"), FileMode.Append))
        {
            file.Write([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]); // a header promising 200 bytes, then a crash
        }

        using var reopened = SpillFile.Open(_folder);
        Assert.Equal(goodLength, reopened.Length);
        reopened.Append([Encode("c")]);

        Assert.Equal(["a", "b", "c"], reopened.ReadBatch(100).Select(r => RequestId(r.Message)));
    }

    [Fact]
    public void Reopen_WithACursorOffARecordBoundary_ReplaysFromTheStart()
    {
        using (var spill = SpillFile.Open(_folder))
        {
            spill.Append([Encode("a"), Encode("b")]);
        }
        File.WriteAllBytes(Path.Combine(_folder, "events.spill.cursor"), BitConverter.GetBytes(3L));

        using var reopened = SpillFile.Open(_folder);

        Assert.Equal(["a", "b"], reopened.ReadBatch(100).Select(r => RequestId(r.Message)));
    }

    [Fact]
    public void Reset_EmptiesTheFile_AndLaterAppendsReadBackAlone()
    {
        using var spill = SpillFile.Open(_folder);
        spill.Append([Encode("a"), Encode("b")]);
        spill.Advance(spill.ReadBatch(100)[^1].End);

        spill.Reset();
        spill.Append([Encode("c")]);

        Assert.Equal(["c"], spill.ReadBatch(100).Select(r => RequestId(r.Message)));
        Assert.Equal(new FileInfo(Path.Combine(_folder, "events.spill")).Length, spill.Length);
    }

    [Fact]
    public void Open_OfAFolderAnotherPublisherHolds_Throws()
    {
        using var first = SpillFile.Open(_folder);

        Assert.ThrowsAny<IOException>(() => SpillFile.Open(_folder));
    }

    [Fact]
    public void OpenFirstFree_WhileTheFolderIsHeld_UsesTheNextInstanceFolder_AndFindsItsLeftoversAfterARestart()
    {
        using var first = SpillFile.OpenFirstFree(_folder);
        using (var second = SpillFile.OpenFirstFree(_folder))
        {
            Assert.Equal(Path.Combine(_folder, "2", "events.spill"), second.Path);
            second.Append([Encode("left-behind")]);
        }

        using var restarted = SpillFile.OpenFirstFree(_folder);

        Assert.Equal(Path.Combine(_folder, "2", "events.spill"), restarted.Path);
        Assert.Equal(["left-behind"], restarted.ReadBatch(10).Select(r => RequestId(r.Message)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static OutgoingMessage Encode(string requestId) => EventEnvelope.Encode(SampleEvents.Inference(requestId), Source, null, null);

    private static string RequestId(OutgoingMessage message) =>
        EventEnvelope.Decode<AiAspire.Contracts.Events.InferenceCompleted>(message.Body).Event.RequestId;
}
