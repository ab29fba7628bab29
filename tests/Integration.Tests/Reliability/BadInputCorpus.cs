using System.Text;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// Generates the bad-input corpus: for every public endpoint, requests that are wrong in one way each (malformed and
/// truncated JSON, wrong types, bodies over the gateway's limits, deep nesting, invalid UTF-8, raw control characters,
/// header injection, path traversal in ids, unknown models, negative and huge numbers, wrong content types, empty
/// bodies). Every one of them is the caller's mistake: the platform must answer each with a 4xx problem.
/// </summary>
public static class BadInputCorpus
{
    /// <summary>The gateway's default body limit (Kestrel MaxRequestBodySize) and the documents route's own.</summary>
    private const int DefaultBodyLimit = 10 * 1024 * 1024;
    private const int DocumentsBodyLimit = 50 * 1024 * 1024;

    /// <summary>A tenant no other test uses: a limits change that wrongly succeeded would touch nothing that matters.</summary>
    private const string CorpusTenant = "corpus-unused-tenant";

    private static readonly string[] TraversalIds =
    [
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e%2f%2e%2e%2fapi%2fkeys",
        "..%252f..%252fetc%252fpasswd",
        "%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
        "..%5c..%5cwindows%5cwin.ini",
        "%00",
        "doc%00.txt",
        "%0d%0aSet-Cookie:%20injected=1",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        new string('a', 4096),
        "%ef%bf%bf%e2%80%ae",
    ];

    private static readonly IReadOnlyList<JsonEndpoint> JsonEndpoints =
    [
        new("chat-completions", HttpMethod.Post, "/v1/chat/completions",
            """{"model":"local","messages":[{"role":"user","content":"hello"}]}""",
            Text: "content",
            WrongTypes:
            [
                """{"model":"local","messages":"hello"}""",
                """{"model":42,"messages":[{"role":"user","content":"hello"}]}""",
                """{"model":"local","messages":[{"role":"user","content":{"nested":true}}]}""",
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"stream":"yes"}""",
                """{"model":"local","messages":[]}""",
                """{"model":"local","messages":[{"role":"emperor","content":"hello"}]}""",
                """{"model":"local"}""",
            ],
            Numbers:
            [
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"max_tokens":-1}""",
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"max_tokens":99999999999999999999}""",
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"temperature":-5}""",
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"temperature":1e309}""",
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"top_p":7}""",
                """{"model":"local","messages":[{"role":"user","content":"hello"}],"top_p":-0.5}""",
            ],
            UnknownModels:
            [
                """{"model":"no-such-model","messages":[{"role":"user","content":"hello"}]}""",
                """{"model":"../../routerservice","messages":[{"role":"user","content":"hello"}]}""",
                """{"model":"gpt-4-does-not-exist","messages":[{"role":"user","content":"hello"}]}""",
            ]),
        new("chat", HttpMethod.Post, "/api/chat",
            """{"message":"hello","model":"local"}""",
            Text: "message",
            WrongTypes:
            [
                """{"message":["hello"]}""",
                """{"message":"hello","rag":true}""",
                """{"message":"hello","rag":"sometimes"}""",
                """{"message":"hello","conversationId":12}""",
                """{"message":"hello","conversationId":"../../conv-x"}""",
                """{"message":""}""",
                """{}""",
            ],
            Numbers:
            [
                """{"message":"hello","stream":1}""",
                """{"message":12345678901234567890}""",
            ],
            UnknownModels:
            [
                """{"message":"hello","model":"no-such-model"}""",
                """{"message":"hello","collection":"../../other-tenant"}""",
            ]),
        new("feedback", HttpMethod.Post, "/api/feedback",
            """{"responseId":"chatcmpl-corpus","rating":1}""",
            Text: "comment",
            WrongTypes:
            [
                """{"responseId":"chatcmpl-corpus","rating":"good"}""",
                """{"responseId":42,"rating":1}""",
                """{"rating":1}""",
                """{"responseId":"chatcmpl-corpus"}""",
                """{"responseId":"../../etc/passwd","rating":1}""",
            ],
            Numbers:
            [
                """{"responseId":"chatcmpl-corpus","rating":0}""",
                """{"responseId":"chatcmpl-corpus","rating":5}""",
                """{"responseId":"chatcmpl-corpus","rating":-99999999999}""",
                """{"responseId":"chatcmpl-corpus","rating":1.5}""",
            ]),
        new("embeddings", HttpMethod.Post, "/v1/embeddings",
            """{"input":"hello"}""",
            Text: "input",
            WrongTypes:
            [
                """{"input":42}""",
                """{"input":{"text":"hello"}}""",
                """{}""",
                """{"input":""}""",
            ],
            Numbers:
            [
                """{"input":"hello","dimensions":-1}""",
                """{"input":1e400}""",
            ],
            UnknownModels:
            [
                """{"input":"hello","model":"no-such-embedding-model"}""",
            ]),
        new("retrieve", HttpMethod.Post, "/v1/retrieve",
            """{"query":"hello","topK":3}""",
            Text: "query",
            WrongTypes:
            [
                """{"query":["hello"]}""",
                """{"query":"hello","topK":"three"}""",
                """{"query":"hello","filter":["a"]}""",
                """{"query":"hello","mode":"telepathy"}""",
                """{"query":""}""",
                """{}""",
                """{"query":"hello","collection":"../../other"}""",
            ],
            Numbers:
            [
                """{"query":"hello","topK":-1}""",
                """{"query":"hello","topK":0}""",
                """{"query":"hello","topK":2147483648}""",
                """{"query":"hello","topK":1000000000}""",
                """{"query":"hello","minScore":-7}""",
                """{"query":"hello","minScore":1e309}""",
                """{"query":"hello","mmrLambda":3}""",
            ]),
        new("documents", HttpMethod.Post, "/api/documents",
            """{"text":"hello world","id":"corpus-doc"}""",
            Text: "text", BodyLimit: DocumentsBodyLimit, MultipartIsValid: true, GetIsValid: true,
            WrongTypes:
            [
                """{"text":42}""",
                """{"text":"hello","metadata":["a","b"]}""",
                """{"text":"hello","metadata":{"a":{"b":1}}}""",
                """{"text":"hello","contentType":"application/x-msdownload"}""",
                """{"text":""}""",
                """{}""",
                """{"text":"hello","id":"../../etc/passwd"}""",
                """{"text":"hello","id":"a/b"}""",
                """{"text":"hello","collection":"..\\..\\other"}""",
            ],
            Numbers:
            [
                """{"text":1e309}""",
                """{"text":"hello","id":-1}""",
            ]),
        new("guard-input", HttpMethod.Post, "/v1/guard/input",
            """{"messages":[{"role":"user","content":"hello"}]}""",
            Text: "content",
            WrongTypes:
            [
                """{"messages":"hello"}""",
                """{"messages":[{"role":"user","content":42}]}""",
                """{"messages":[{"role":"user"}]}""",
                """{"messages":[]}""",
                """{}""",
            ],
            Numbers:
            [
                """{"messages":[{"role":-1,"content":"hello"}]}""",
                """{"messages":[{"role":"user","content":1e309}]}""",
            ]),
        new("guard-output", HttpMethod.Post, "/v1/guard/output",
            """{"text":"hello","vaultId":null}""",
            Text: "text",
            WrongTypes:
            [
                """{"text":["hello"]}""",
                """{"text":"hello","vaultId":42}""",
                """{"text":"hello","final":"yes"}""",
                """{"text":"hello","streamId":"../../../etc/passwd"}""",
                """{"text":"hello","vaultId":"../../vault-of-another-tenant"}""",
                """{"text":"hello","schema":"not a schema"}""",
                """{}""",
            ],
            Numbers:
            [
                """{"text":"hello","schema":{"type":"string","maxLength":-1}}""",
                """{"text":1e309}""",
            ]),
        new("guard-documents", HttpMethod.Post, "/v1/guard/documents",
            """{"documents":[{"text":"hello"}]}""",
            Text: "text",
            WrongTypes:
            [
                """{"documents":{"text":"hello"}}""",
                """{"documents":[{"text":42}]}""",
                """{"documents":[{"id":"x"}]}""",
                """{"documents":[]}""",
                """{}""",
            ],
            Numbers:
            [
                """{"documents":[{"text":"hello","id":-1}]}""",
                """{"documents":[{"text":1e309}]}""",
            ]),
        new("route-explain", HttpMethod.Post, "/v1/route/explain",
            """{"model":"local","messages":[{"role":"user","content":"hello"}]}""",
            Text: "content",
            WrongTypes:
            [
                """{"model":"local","messages":"hello"}""",
                """{"model":["local"]}""",
                """{"model":"local","strategy":"coin-toss"}""",
                """{"model":"local","capabilities":"tools"}""",
                """{"model":"local","messages":[{"role":"emperor","content":"hello"}]}""",
            ],
            Numbers:
            [
                """{"model":"local","maxTokens":-1}""",
                """{"model":"local","maxTokens":99999999999999999999}""",
                """{"model":"local","temperature":-5}""",
                """{"model":"local","temperature":1e309}""",
            ],
            UnknownModels:
            [
                """{"model":"no-such-model"}""",
                """{"model":"..%2f..%2fadmin"}""",
            ]),
        new("keys", HttpMethod.Post, "/api/keys",
            $$"""{"tenant":"{{CorpusTenant}}","scopes":["chat"]}""",
            Text: "name", GetIsValid: true,
            WrongTypes:
            [
                $$"""{"tenant":"{{CorpusTenant}}","scopes":"chat"}""",
                $$"""{"tenant":"{{CorpusTenant}}","scopes":["root"]}""",
                $$"""{"tenant":"{{CorpusTenant}}","scopes":[]}""",
                """{"tenant":"../../dev","scopes":["chat"]}""",
                """{"tenant":"DEV\r\nx","scopes":["chat"]}""",
                $$"""{"tenant":"{{CorpusTenant}}","scopes":["chat"],"expiresAt":"yesterday"}""",
                $$"""{"tenant":"{{CorpusTenant}}","scopes":["chat"],"expiresAt":"2001-01-01T00:00:00Z"}""",
                $$"""{"tenant":"{{CorpusTenant}}","scopes":["chat"],"name":"{{new string('n', 101)}}"}""",
            ],
            Numbers:
            [
                $$$"""{"tenant":"{{{CorpusTenant}}}","scopes":["chat"],"limits":{"requestsPerMinute":-1}}""",
                $$$"""{"tenant":"{{{CorpusTenant}}}","scopes":["chat"],"limits":{"tokensPerMinute":99999999999999999999}}""",
                $$$"""{"tenant":"{{{CorpusTenant}}}","scopes":["chat"],"limits":{"monthlyBudgetUsd":-0.5}}""",
                $$$"""{"tenant":"{{{CorpusTenant}}}","scopes":["chat"],"limits":{"concurrentRequests":0}}""",
            ]),
        new("key-limits", HttpMethod.Put, "/api/keys/no-such-key/limits",
            """{"requestsPerMinute":10}""",
            Text: null,
            WrongTypes:
            [
                """{"requestsPerMinute":"ten"}""",
                """{"requestsPerMinute":[10]}""",
                """{"monthlyBudgetUsd":"free"}""",
            ],
            Numbers:
            [
                """{"requestsPerMinute":-10}""",
                """{"tokensPerMinute":99999999999999999999}""",
                """{"concurrentRequests":0}""",
                """{"monthlyBudgetUsd":-1}""",
                """{"monthlyBudgetUsd":1e309}""",
            ]),
        new("tenant-limits", HttpMethod.Put, $"/api/tenants/{CorpusTenant}/limits",
            """{"requestsPerMinute":10}""",
            Text: null, GetIsValid: true,
            WrongTypes:
            [
                """{"requestsPerMinute":"ten"}""",
                """{"requestsPerMinute":{"value":10}}""",
                """{"monthlyBudgetUsd":"free"}""",
            ],
            Numbers:
            [
                """{"requestsPerMinute":-10}""",
                """{"tokensPerMinute":99999999999999999999}""",
                """{"concurrentRequests":-1}""",
                """{"monthlyBudgetUsd":-1}""",
                """{"monthlyBudgetUsd":1e309}""",
            ]),
    ];

    private static readonly IReadOnlyList<GetEndpoint> GetEndpoints =
    [
        new("models", "/v1/models", IdTemplate: null, BadQueries: [], PostNotAllowed: true),
        new("document-by-id", "/api/documents/", IdTemplate: "/api/documents/{id}", BadQueries: [], PostNotAllowed: false, DeleteToo: true),
        new("ingestion-by-id", "/api/ingestions/no-such-job", IdTemplate: "/api/ingestions/{id}", BadQueries: [], PostNotAllowed: true),
        new("quality", "/api/quality/summary", IdTemplate: "/api/quality/{id}",
            BadQueries:
            [
                "/api/quality/timeseries?from=yesterday",
                "/api/quality/timeseries?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                "/api/quality/timeseries?bucket=0s",
                "/api/quality/timeseries?bucket=-1m",
                "/api/quality/timeseries?bucket=99999999999999999999d",
                "/api/quality/timeseries?from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z",
                "/api/quality/timeseries?from=%00%0d%0a",
                "/api/quality/alerts?limit=-1",
                "/api/quality/alerts?limit=0",
                "/api/quality/alerts?limit=99999999999999999999",
                "/api/quality/alerts?limit=ten",
                "/api/quality/alerts?limit=%0d%0a5",
            ],
            PostNotAllowed: false),
        new("datasets", "/api/quality/datasets", IdTemplate: "/api/quality/datasets/{id}",
            BadQueries:
            [
                "POST /api/quality/datasets?from=not-a-date",
                "POST /api/quality/datasets?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                "POST /api/quality/datasets?to=%00",
                "/api/quality/datasets/20261128120000-1a2b3c4d",
            ],
            PostNotAllowed: false),
        new("key-by-id", "/api/keys/no-such-key", IdTemplate: "/api/keys/{id}", BadQueries: ["/api/keys?tenant=../../dev%00"], PostNotAllowed: true, DeleteToo: true),
        new("tenant-limits-by-id", $"/api/tenants/{CorpusTenant}/limits", IdTemplate: "/api/tenants/{id}/limits", BadQueries: [], PostNotAllowed: true),
    ];

    /// <summary>Names of every endpoint the corpus covers, in a stable order.</summary>
    public static IEnumerable<string> Endpoints =>
        JsonEndpoints.Select(e => e.Name).Append("documents-multipart").Concat(GetEndpoints.Select(e => e.Name));

    public static IReadOnlyList<BadInputCase> All() => [.. Endpoints.SelectMany(For)];

    public static IReadOnlyList<BadInputCase> For(string endpoint)
    {
        if (endpoint == "documents-multipart")
        {
            return [.. Multipart()];
        }
        if (JsonEndpoints.FirstOrDefault(e => e.Name == endpoint) is { } json)
        {
            return [.. ForJson(json)];
        }
        return [.. ForGet(GetEndpoints.Single(e => e.Name == endpoint))];
    }

    private static IEnumerable<BadInputCase> ForJson(JsonEndpoint e)
    {
        BadInputCase Json(string category, string name, byte[] body, string? contentType = "application/json") =>
            new(e.Name, category, name, e.Method, e.Path, body, contentType);
        BadInputCase Text(string category, string name, string body) => Json(category, name, Encoding.UTF8.GetBytes(body));

        string[] malformed =
        [
            "{", "}", "{\"model\":}", "{'model':'local'}", "{\"a\":1,}", "{\"a\":1} trailing", "/* comment */ {}",
            "{\"a\":NaN}", "tru", "{\"a\" 1}", "{\"a\":\"unterminated}", "[{]}", "{\"a\":01}", "{\"a\":\"\\x41\"}",
        ];
        foreach (var (text, i) in malformed.Select((b, i) => (b, i)))
        {
            yield return Text("malformed-json", $"malformed-{i}", text);
        }

        var valid = e.ValidBody;
        foreach (var cut in new[] { 1, valid.Length / 4, valid.Length / 2, 3 * valid.Length / 4, valid.Length - 1 })
        {
            yield return Text("truncated-json", $"cut-at-{cut}", valid[..cut]);
        }

        foreach (var (text, i) in e.WrongTypes.Select((b, i) => (b, i)))
        {
            yield return Text("wrong-types", $"wrong-type-{i}", text);
        }
        foreach (var (text, i) in e.Numbers.Select((b, i) => (b, i)))
        {
            yield return Text("numbers", $"number-{i}", text);
        }
        foreach (var (text, i) in (e.UnknownModels ?? []).Select((b, i) => (b, i)))
        {
            yield return Text("unknown-model", $"unknown-model-{i}", text);
        }

        // Raw bytes go into a field the endpoint reads (the valid body's "hello"), so they cannot be skipped as unknown.
        var field = e.Text ?? "requestsPerMinute";
        var hello = valid.IndexOf("hello", StringComparison.Ordinal);
        byte[] WithRawValue(byte[] raw) => hello >= 0
            ? [.. Encoding.UTF8.GetBytes(valid[..hello] + "ab"), .. raw, .. Encoding.UTF8.GetBytes("cd" + valid[(hello + 5)..])]
            : [.. Encoding.UTF8.GetBytes($"{{\"{field}\":\"ab"), .. raw, .. Encoding.UTF8.GetBytes("cd\"}")];
        string WithEscapedValue(string escaped) => hello >= 0
            ? valid[..hello] + escaped + valid[(hello + 5)..]
            : $"{{\"{field}\":\"{escaped}\"}}";
        yield return Json("invalid-utf8", "broken-two-byte", WithRawValue([0xC3, 0x28]));
        yield return Json("invalid-utf8", "ff-fe", WithRawValue([0xFF, 0xFE]));
        yield return Json("invalid-utf8", "overlong-slash", WithRawValue([0xC0, 0xAF]));
        yield return Json("invalid-utf8", "truncated-sequence", WithRawValue([0xE2, 0x82]));
        yield return Json("invalid-utf8", "encoded-surrogate", WithRawValue([0xED, 0xA0, 0x80]));
        yield return Json("invalid-utf8", "latin1-text", WithRawValue(Encoding.Latin1.GetBytes("caf\u00e9 \u00fcber")));
        yield return Text("invalid-utf8", "lone-surrogate-escape", WithEscapedValue("ab\\ud800cd"));
        yield return Text("invalid-utf8", "reversed-surrogates-escape", WithEscapedValue("\\udc00\\ud800"));

        yield return Json("control-chars", "raw-nul", WithRawValue([0x00]));
        yield return Json("control-chars", "raw-newline", WithRawValue([0x0A]));
        yield return Json("control-chars", "raw-escape", WithRawValue([0x1B, 0x5B, 0x32, 0x4A]));
        yield return Json("control-chars", "raw-bell-and-backspace", WithRawValue([0x07, 0x08]));

        yield return Text("deep-nesting", "arrays-10000", new string('[', 10_000) + new string(']', 10_000));
        yield return Text("deep-nesting", "objects-in-field-5000",
            $"{{\"{field}\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_001));
        yield return Text("deep-nesting", "unclosed-100000", new string('[', 100_000));

        var huge = HugeJson(field, e.BodyLimit + 64 * 1024);
        yield return new BadInputCase(e.Name, "huge-body", "declared-length", e.Method, e.Path, huge, "application/json");
        yield return new BadInputCase(e.Name, "huge-body", "chunked", e.Method, e.Path, huge, "application/json", Chunked: true);

        var body = Encoding.UTF8.GetBytes(valid);
        yield return Json("content-type", "text-plain", body, "text/plain");
        yield return Json("content-type", "xml", Encoding.UTF8.GetBytes("<request><model>local</model></request>"), "application/xml");
        yield return Json("content-type", "form-urlencoded", Encoding.UTF8.GetBytes("model=local&message=hello"), "application/x-www-form-urlencoded");
        yield return Json("content-type", "none", body, contentType: null);
        yield return Json("content-type", "garbage", body, "garbage/;;;");
        if (!e.MultipartIsValid)
        {
            yield return Json("content-type", "multipart", MultipartBody("b0undary", ("file", "a.txt", "hello")), "multipart/form-data; boundary=b0undary");
        }

        yield return Text("empty-body", "empty", "");
        yield return Text("empty-body", "null", "null");
        yield return Text("empty-body", "array", "[]");
        yield return Text("empty-body", "string", "\"hello\"");
        yield return Text("empty-body", "number", "42");
        yield return Text("empty-body", "whitespace", " \r\n\t ");

        foreach (var injection in HeaderInjections(e.Name, e.Method, e.Path, body))
        {
            yield return injection;
        }

        if (!e.GetIsValid)
        {
            yield return new BadInputCase(e.Name, "wrong-method", "get", HttpMethod.Get, e.Path);
        }
        yield return new BadInputCase(e.Name, "wrong-method", "patch", HttpMethod.Patch, e.Path, body, "application/json");
    }

    private static IEnumerable<BadInputCase> Multipart()
    {
        const string name = "documents-multipart";
        const string path = "/api/documents";
        BadInputCase Case(string category, string caseName, byte[] body, string contentType, bool chunked = false) =>
            new(name, category, caseName, HttpMethod.Post, path, body, contentType, chunked);

        yield return Case("malformed-multipart", "boundary-mismatch", MultipartBody("other", ("file", "a.txt", "hello")), "multipart/form-data; boundary=b0undary");
        yield return Case("malformed-multipart", "no-boundary", MultipartBody("b0undary", ("file", "a.txt", "hello")), "multipart/form-data");
        yield return Case("malformed-multipart", "no-file-part", MultipartBody("b0undary", ("collection", null, "docs")), "multipart/form-data; boundary=b0undary");
        var whole = MultipartBody("b0undary", ("file", "a.txt", "hello world"));
        yield return Case("truncated-multipart", "cut-in-half", whole[..(whole.Length / 2)], "multipart/form-data; boundary=b0undary");
        yield return Case("truncated-multipart", "no-closing-boundary", whole[..(whole.Length - 12)], "multipart/form-data; boundary=b0undary");
        yield return Case("empty-body", "empty", [], "multipart/form-data; boundary=b0undary");
        yield return Case("empty-body", "empty-file", MultipartBody("b0undary", ("file", "a.txt", "")), "multipart/form-data; boundary=b0undary");
        yield return Case("wrong-types", "executable", MultipartBody("b0undary", ("file", "setup.exe", "MZ\u0090\0")), "multipart/form-data; boundary=b0undary");
        yield return Case("wrong-types", "no-extension", MultipartBody("b0undary", ("file", "noextension", "hello")), "multipart/form-data; boundary=b0undary");
        yield return Case("wrong-types", "broken-pdf", MultipartBody("b0undary", ("file", "a.pdf", "%PDF-1.7 not really")), "multipart/form-data; boundary=b0undary");
        yield return Case("wrong-types", "broken-json-file", MultipartBody("b0undary", ("file", "a.json", "{\"a\":")), "multipart/form-data; boundary=b0undary");
        yield return Case("path-traversal", "file-name", MultipartBody("b0undary", ("file", "../../../../etc/passwd", "hello")), "multipart/form-data; boundary=b0undary");
        yield return Case("path-traversal", "collection-field",
            MultipartBody("b0undary", ("collection", null, "../../other-tenant"), ("file", "a.txt", "hello")), "multipart/form-data; boundary=b0undary");
        yield return Case("control-chars", "file-name", MultipartBody("b0undary", ("file", "a\u0001\u001b.txt", "hello")), "multipart/form-data; boundary=b0undary");
        yield return Case("invalid-utf8", "pdf-garbage",
            [.. MultipartBody("b0undary", ("file", "a.txt", "x"))[..^14], 0xFF, 0xFE, 0xC0, .. Encoding.ASCII.GetBytes("\r\n--b0undary--\r\n")],
            "multipart/form-data; boundary=b0undary");
        yield return Case("huge-body", "chunked-over-route-limit",
            MultipartBody("b0undary", ("file", "big.txt", new string('x', DocumentsBodyLimit + 64 * 1024))), "multipart/form-data; boundary=b0undary", chunked: true);
        var manyParts = Enumerable.Range(0, 20_000).Select(i => ("field" + i, (string?)null, "v")).ToArray();
        yield return Case("huge-body", "twenty-thousand-parts", MultipartBody("b0undary", manyParts), "multipart/form-data; boundary=b0undary");
        yield return Case("header-injection", "part-header-crlf",
            Encoding.UTF8.GetBytes("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\nX-Aiaspire-Tenant: other\r\n\r\n\r\n--b0undary--\r\n"),
            "multipart/form-data; boundary=b0undary");
    }

    private static IEnumerable<BadInputCase> ForGet(GetEndpoint e)
    {
        if (e.IdTemplate is { } template)
        {
            foreach (var (id, i) in TraversalIds.Select((id, i) => (id, i)))
            {
                var category = id.Length > 1000 ? "overlong-id" : id.Contains("%0") ? "control-chars" : "path-traversal";
                // Kestrel refuses a NUL in the request target itself, before any middleware: a bare 400 is all it sends.
                var rejectedByServer = id.Contains("%00", StringComparison.Ordinal);
                yield return new BadInputCase(e.Name, category, $"id-{i}", HttpMethod.Get, template.Replace("{id}", id), RejectedByServer: rejectedByServer);
                if (e.DeleteToo)
                {
                    yield return new BadInputCase(e.Name, category, $"delete-id-{i}", HttpMethod.Delete, template.Replace("{id}", id),
                        RejectedByServer: rejectedByServer);
                }
            }
        }
        foreach (var (query, i) in e.BadQueries.Select((q, i) => (q, i)))
        {
            var post = query.StartsWith("POST ", StringComparison.Ordinal);
            yield return new BadInputCase(e.Name, "bad-query", $"query-{i}", post ? HttpMethod.Post : HttpMethod.Get, post ? query[5..] : query);
        }
        foreach (var injection in HeaderInjections(e.Name, HttpMethod.Get, e.Path, body: null))
        {
            yield return injection;
        }
        if (e.PostNotAllowed)
        {
            yield return new BadInputCase(e.Name, "wrong-method", "post", HttpMethod.Post, e.Path, "{}"u8.ToArray(), "application/json");
        }
        yield return new BadInputCase(e.Name, "wrong-method", "patch", HttpMethod.Patch, e.Path, "{}"u8.ToArray(), "application/json");
    }

    /// <summary>Attempts to smuggle an identity past authentication: each must be refused as unauthenticated.</summary>
    private static IEnumerable<BadInputCase> HeaderInjections(string endpoint, HttpMethod method, string path, byte[]? body)
    {
        var contentType = body is null ? null : "application/json";
        KeyValuePair<string, string>[] spoofed =
        [
            new("x-aiaspire-tenant", "dev"),
            new("x-aiaspire-key-id", "dev"),
            new("x-aiaspire-scopes", "admin chat embeddings retrieve ingest guard feedback quality"),
            new("x-aiaspire-signature", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()};v1=" + new string('0', 64)),
        ];
        yield return new BadInputCase(endpoint, "header-injection", "internal-headers-without-key", method, path, body, contentType,
            Authorization: null, Headers: spoofed);
        yield return new BadInputCase(endpoint, "header-injection", "key-with-appended-header", method, path, body, contentType,
            Authorization: $"Bearer {PlatformFixture.DevApiKey} x-aiaspire-tenant: other");
        yield return new BadInputCase(endpoint, "header-injection", "key-with-encoded-crlf", method, path, body, contentType,
            Authorization: $"Bearer {PlatformFixture.DevApiKey}%0d%0ax-aiaspire-scopes:%20admin");
        yield return new BadInputCase(endpoint, "header-injection", "basic-scheme", method, path, body, contentType,
            Authorization: "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("dev:" + PlatformFixture.DevApiKey)));
        yield return new BadInputCase(endpoint, "header-injection", "api-key-with-control-char", method, path, body, contentType,
            Authorization: null, Headers: [new("api-key", PlatformFixture.DevApiKey + "\u0001")]);
        yield return new BadInputCase(endpoint, "header-injection", "forwarded-for-localhost", method, path, body, contentType,
            Authorization: null, Headers: [new("X-Forwarded-For", "127.0.0.1"), new("X-Real-IP", "127.0.0.1"), new("X-Original-URL", "/health")]);
    }

    private static byte[] HugeJson(string field, int size)
    {
        var prefix = Encoding.UTF8.GetBytes($"{{\"{field}\":\"");
        var suffix = "\"}"u8.ToArray();
        var body = new byte[size];
        prefix.CopyTo(body, 0);
        body.AsSpan(prefix.Length, size - prefix.Length - suffix.Length).Fill((byte)'x');
        suffix.CopyTo(body, size - suffix.Length);
        return body;
    }

    private static byte[] MultipartBody(string boundary, params (string Name, string? FileName, string Content)[] parts)
    {
        var text = new StringBuilder();
        foreach (var (name, fileName, content) in parts)
        {
            text.Append("--").Append(boundary).Append("\r\n");
            text.Append("Content-Disposition: form-data; name=\"").Append(name).Append('"');
            if (fileName is not null)
            {
                text.Append("; filename=\"").Append(fileName).Append("\"\r\nContent-Type: application/octet-stream");
            }
            text.Append("\r\n\r\n").Append(content).Append("\r\n");
        }
        text.Append("--").Append(boundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed record JsonEndpoint(
        string Name,
        HttpMethod Method,
        string Path,
        string ValidBody,
        string? Text,
        IReadOnlyList<string> WrongTypes,
        IReadOnlyList<string> Numbers,
        IReadOnlyList<string>? UnknownModels = null,
        int BodyLimit = DefaultBodyLimit,
        bool MultipartIsValid = false,
        bool GetIsValid = false);

    private sealed record GetEndpoint(
        string Name,
        string Path,
        string? IdTemplate,
        IReadOnlyList<string> BadQueries,
        bool PostNotAllowed,
        bool DeleteToo = false);
}
