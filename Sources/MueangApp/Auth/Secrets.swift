import Vapor

/// Random tokens and their stored digests. Only digests reach the database, so a leaked backup
/// cannot be replayed as a session or API token.
enum Secrets {
    static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func sign(_ value: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Constant-time comparison so response timing does not leak how much of a token matched.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Cross-site request forgery protection by a signed double-submit cookie: every form carries
/// the cookie's value in `_csrf`, which a foreign site can neither read nor forge.
enum CSRF {
    static let field = "_csrf"

    static func issue(secret: String) -> String {
        let nonce = Secrets.randomToken(bytes: 18)
        return nonce + "." + Secrets.sign(nonce, secret: secret)
    }

    static func isValid(_ token: String, secret: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return Secrets.equal(String(parts[1]), Secrets.sign(String(parts[0]), secret: secret))
    }
}

/// Slows down password guessing: after `limit` failures for one account or one address within
/// `window`, further attempts are refused until the window passes.
actor LoginThrottle {
    private var failures: [String: [Date]] = [:]
    let limit: Int
    let window: TimeInterval

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    func isBlocked(keys: [String], now: Date = Date()) -> Bool {
        keys.contains { key in (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }.count >= limit }
    }

    func recordFailure(keys: [String], now: Date = Date()) {
        for key in keys {
            var list = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            list.append(now)
            failures[key] = list
        }
        if failures.count > 50_000 { failures = failures.filter { !($0.value.allSatisfy { now.timeIntervalSince($0) >= window }) } }
    }

    func reset(keys: [String]) {
        for key in keys { failures[key] = nil }
    }
}
