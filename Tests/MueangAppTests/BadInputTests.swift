import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp

/// A battery of bad requests to every route: each gets a 4xx in Thai and English, never a 500,
/// and nothing is half-written.
@Suite("Bad input never crashes and never writes")
struct BadInputTests {
    static let tenant = "lahansai"

    static func badIDs() -> [String] { ["not-a-uuid", "..%2F..%2Fetc", String(repeating: "9", count: 500), "%00", "00000000-0000-0000-0000-000000000000"] }

    struct Case { let name: String; let contentType: String?; let body: ByteBuffer? }

    static func bodies() -> [Case] {
        var invalidUTF8 = ByteBuffer()
        invalidUTF8.writeBytes([0xFF, 0xFE, 0xC3, 0x28, 0x3D, 0xA0])
        return [
            Case(name: "empty form", contentType: "application/x-www-form-urlencoded", body: ByteBuffer()),
            Case(name: "garbage form", contentType: "application/x-www-form-urlencoded", body: ByteBuffer(string: "%%%&&==&%ZZ")),
            Case(name: "invalid UTF-8", contentType: "application/x-www-form-urlencoded", body: invalidUTF8),
            Case(name: "arrays for strings", contentType: "application/x-www-form-urlencoded", body: ByteBuffer(string: "nameTH[]=a&slug[x]=b&username[]=c&kind[]=moo&displayName[]=d")),
            Case(name: "broken JSON", contentType: "application/json", body: ByteBuffer(string: "{\"slug\": \"a\", ")),
            Case(name: "JSON of the wrong shape", contentType: "application/json", body: ByteBuffer(string: "[1,2,{\"x\":null}]")),
            Case(name: "broken multipart", contentType: "multipart/form-data; boundary=XYZ", body: ByteBuffer(string: "--XYZ\r\nContent-Disposition: form-data; name=\"logo\"\r\n\r\nabc")),
            Case(name: "unknown media type", contentType: "application/x-unknown", body: ByteBuffer(string: "hello")),
            Case(name: "oversized", contentType: "application/x-www-form-urlencoded", body: ByteBuffer(string: "nameTH=" + String(repeating: "ก", count: 400_000))),
        ]
    }

    static func checkBilingual(_ page: Browser.Page, api: Bool, _ what: String) {
        #expect((400..<500).contains(page.status.code), "\(what) → \(page.status)")
        if api {
            let json = try? JSONDecoder().decode([String: [String: String]].self, from: Data(page.body.utf8))
            #expect(json?["error"]?["th"]?.isEmpty == false && json?["error"]?["en"]?.isEmpty == false, "\(what): \(page.body.prefix(200))")
        } else {
            #expect(page.body.contains("lang=\"th\"") && page.body.contains("lang=\"en\""), "\(what): not bilingual")
        }
    }

    @Test("Every route with bad bodies, bad ids and unknown tenants", arguments: Engine.available)
    func battery(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, Self.tenant, .admin)
            let api = try await Browser.withToken(app, Self.tenant, .admin)
            _ = try await api.get("/api/v1/me")   // the token's first use records its time; that write is expected
            let before = try await TenantIsolationTests.fingerprint(app)
            let routes = TenantIsolationTests.walkOrder(app.routeCatalog.entries)
            var sent = 0
            for entry in routes where entry.method == .POST {
                let client = entry.isAPI ? api : admin
                for c in Self.bodies() {
                    var headers = HTTPHeaders()
                    if let t = c.contentType { headers.replaceOrAdd(name: .contentType, value: t) }
                    // The header form of the CSRF token, so the bad body itself reaches the handler.
                    headers.replaceOrAdd(name: "X-CSRF-Token", value: client.cookies["mueang_csrf"] ?? "")
                    let path = TenantIsolationTests.path(entry, tenant: Self.tenant, ids: [:])
                    let page = try await client.request(.POST, path, headers: headers, body: c.body)
                    #expect(page.status.code < 500, "\(entry.url.path) with \(c.name) → \(page.status)")
                    sent += 1
                }
            }
            for entry in routes where entry.url.segments.contains(":id") || entry.isTenantScoped {
                let client = entry.isAPI ? api : admin
                for bad in Self.badIDs() {
                    let ids = entry.url.segments.map { $0 == ":id" ? bad : $0 == ":tenant" ? Self.tenant : $0 }
                    let path = "/" + ids.joined(separator: "/")
                    let page = entry.method == .GET ? try await client.get(path) : try await client.post(path, [("x", "1")])
                    if entry.url.segments.contains(":id") { Self.checkBilingual(page, api: entry.isAPI, "\(path)") }
                    #expect(page.status.code < 500)
                    sent += 1
                }
                // An unknown municipality is a 404 from every route.
                let unknown = "/" + entry.url.segments.map { $0 == ":tenant" ? "no-such-town" : $0 == ":id" ? UUID().uuidString : $0 }.joined(separator: "/")
                let page = entry.method == .GET ? try await client.get(unknown) : try await client.post(unknown, [("x", "1")])
                #expect(page.status == .notFound, "\(unknown) → \(page.status)")
                Self.checkBilingual(page, api: entry.isAPI, unknown)
                sent += 1
            }
            #expect(sent > 300)
            #expect(try await TenantIsolationTests.fingerprint(app) == before)
        }
    }

    @Test("Over a real socket, an oversized body gets a bilingual 413", arguments: Engine.available)
    func oversized(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let tester = try app.testing(method: .running(port: 0))
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let response = try await tester.sendRequest(.POST, "/t/\(Self.tenant)/divisions", headers: headers,
                                                        body: ByteBuffer(string: "slug=abc&nameTH=" + String(repeating: "x", count: 300_000)))
            #expect(response.status == .payloadTooLarge)
            #expect(String(buffer: response.body).contains("ใหญ่เกินไป"))
        }
    }

    @Test("Malformed posts get a bilingual 4xx", arguments: Engine.available)
    func specific(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, Self.tenant, .admin)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let csrf = Browser.escape(admin.cookies["mueang_csrf"] ?? "")
            let missing = try await admin.request(.POST, "/t/\(Self.tenant)/divisions", headers: headers, body: ByteBuffer(string: "_csrf=\(csrf)&slug=abc"))
            #expect(missing.status == .badRequest)
            Self.checkBilingual(missing, api: false, "missing fields")
            let notFound = try await Browser(app).get("/no/such/page")
            #expect(notFound.status == .notFound)
            Self.checkBilingual(notFound, api: false, "unknown path")
            let apiNotFound = try await Browser(app).get("/api/v1/nothing")
            Self.checkBilingual(apiNotFound, api: true, "unknown API path")
            // A logo that is not an image is refused by its bytes, whatever it claims to be.
            let boundary = "mueangboundary"
            var multipart = HTTPHeaders()
            multipart.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(admin.cookies["mueang_csrf"] ?? "")\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n<svg onload=alert(1)>\r\n--\(boundary)--\r\n"
            let upload = try await admin.request(.POST, "/t/\(Self.tenant)/logo", headers: multipart, body: ByteBuffer(string: body))
            #expect(upload.status == .unsupportedMediaType)
            #expect(upload.body.contains("PNG"))
            #expect(try await TenantAsset.query(on: app.db).count() == 0)
        }
    }
}
