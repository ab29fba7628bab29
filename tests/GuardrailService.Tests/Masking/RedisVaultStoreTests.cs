using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Tests.Pii;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.GuardrailService.Tests.Masking;

public sealed class RedisVaultStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _connection = redis.Connect();

    private RedisVaultStore Store(TimeSpan? ttl = null) =>
        new(_connection, new TestOptionsMonitor<VaultOptions>(new VaultOptions { TimeToLive = ttl ?? new VaultOptions().TimeToLive }));

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task MaskThenUnmask_ThroughTheVault_RestoresExactly()
    {
        string[] messages =
        [
            "Hi, I'm jane.doe@example.com — card 4111-1111-1111-1111, exp 12/27.",
            "Send the receipt to jane.doe@example.com and billing@example.org please.",
        ];
        var masked = new PiiMasker(Analyzers.Default()).Mask(messages);
        var store = Store();

        var vaultId = await store.SaveAsync("tenant-a", masked.Entries, CancellationToken.None);
        var entries = await store.LoadAsync("tenant-a", vaultId, CancellationToken.None);

        Assert.NotNull(entries);
        Assert.Equal(messages, masked.Texts.Select(text => PiiUnmasker.Unmask(text, entries).Text));
        Assert.DoesNotContain("example", string.Concat(masked.Texts));
    }

    [Fact]
    public async Task Save_ReturnsA128BitHexIdAndSetsTheConfiguredTtl()
    {
        var vaultId = await Store(TimeSpan.FromMinutes(15)).SaveAsync("tenant-a", new Dictionary<string, string> { ["<EMAIL_1>"] = "a@b.co" }, CancellationToken.None);

        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(RedisVaultStore.KeyFor("tenant-a", vaultId));

        Assert.Matches("^[0-9a-f]{32}$", vaultId);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task Load_AfterTtl_ReturnsNull()
    {
        var store = Store(TimeSpan.FromSeconds(1));
        var vaultId = await store.SaveAsync("tenant-a", new Dictionary<string, string> { ["<EMAIL_1>"] = "a@b.co" }, CancellationToken.None);

        await Task.Delay(TimeSpan.FromMilliseconds(1_500));

        Assert.Null(await store.LoadAsync("tenant-a", vaultId, CancellationToken.None));
    }

    [Fact]
    public async Task Load_VaultOfAnotherTenant_ReturnsNull()
    {
        var store = Store();
        var vaultId = await store.SaveAsync("tenant-a", new Dictionary<string, string> { ["<EMAIL_1>"] = "a@b.co" }, CancellationToken.None);

        Assert.Null(await store.LoadAsync("tenant-b", vaultId, CancellationToken.None));
        Assert.NotNull(await store.LoadAsync("tenant-a", vaultId, CancellationToken.None));
    }

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("not-a-vault-id")]
    [InlineData("")]
    public async Task Load_UnknownOrMalformedId_ReturnsNull(string vaultId) =>
        Assert.Null(await Store().LoadAsync("tenant-a", vaultId, CancellationToken.None));

    [Fact]
    public async Task Load_IdInUpperCase_FindsTheVault()
    {
        var store = Store();
        var vaultId = await store.SaveAsync("tenant-a", new Dictionary<string, string> { ["<EMAIL_1>"] = "a@b.co" }, CancellationToken.None);

        Assert.NotNull(await store.LoadAsync("tenant-a", vaultId.ToUpperInvariant(), CancellationToken.None));
    }

    [Fact]
    public async Task SaveThenLoad_ALargeVault_KeepsEveryEntry()
    {
        var entries = Enumerable.Range(1, 5_000).ToDictionary(i => $"<EMAIL_{i}>", i => $"user{i}@example.com");
        var store = Store();

        var vaultId = await store.SaveAsync("tenant-a", entries, CancellationToken.None);
        var loaded = await store.LoadAsync("tenant-a", vaultId, CancellationToken.None);

        Assert.Equal(entries.OrderBy(e => e.Key), loaded!.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task Save_StoresOneHashUnderATenantScopedKey()
    {
        var vaultId = await Store().SaveAsync("tenant-key", new Dictionary<string, string> { ["<CREDIT_CARD_1>"] = "4111111111111111" }, CancellationToken.None);

        var hash = await _connection.GetDatabase().HashGetAllAsync(RedisVaultStore.KeyFor("tenant-key", vaultId));

        Assert.Equal([("<CREDIT_CARD_1>", "4111111111111111")], hash.Select(e => (e.Name.ToString(), e.Value.ToString())));
        Assert.Contains("tenant-key", RedisVaultStore.KeyFor("tenant-key", vaultId).ToString());
    }
}
