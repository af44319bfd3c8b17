import Foundation

/// Typed configuration read once from the environment, with development defaults.
/// Production refuses to start without the values that keep it safe.
public struct AppConfig: Sendable {
    public enum Environment: String, Sendable { case development, production, testing }

    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var environment: Environment
    public var database: Database
    public var dataDirectory: String
    public var port: Int
    public var hostname: String
    /// Signs CSRF tokens; in production it must come from `MUEANG_SECRET`.
    public var secret: String
    public var secureCookies: Bool
    /// bcrypt cost: 12 in production, low in tests so thousands of logins stay fast.
    public var passwordCost: Int

    public init(environment: Environment = .development, database: Database, dataDirectory: String,
                port: Int = 8080, hostname: String = "127.0.0.1", secret: String = AppConfig.developmentSecret,
                secureCookies: Bool = false, passwordCost: Int = 10) {
        self.environment = environment
        self.database = database
        self.dataDirectory = dataDirectory
        self.port = port
        self.hostname = hostname
        self.secret = secret
        self.secureCookies = secureCookies
        self.passwordCost = passwordCost
    }

    public static let developmentSecret = "mueang-development-secret-not-for-production"

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Reads `DATABASE_URL`, `PORT`, `MUEANG_ENV`, `MUEANG_SECRET` and `MUEANG_HOST`.
    /// `dataDirectory` and `port` from the command line win over the environment.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       dataDirectory: String? = nil, port: Int? = nil) throws -> AppConfig {
        let envName = env["MUEANG_ENV"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "development"
        guard let environment = Environment(rawValue: envName.isEmpty ? "development" : envName) else {
            throw Problem(description: "MUEANG_ENV must be development, production or testing (got \"\(envName)\") / MUEANG_ENV ต้องเป็น development, production หรือ testing")
        }
        let dataDir = dataDirectory ?? env["MUEANG_DATA_DIR"] ?? "./var"
        let database: Database
        if let url = env["DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                database = .postgres(url: url)
            } else if url.hasPrefix("sqlite://") {
                database = .sqlite(path: String(url.dropFirst("sqlite://".count)))
            } else {
                throw Problem(description: "DATABASE_URL must start with postgres:// or sqlite:// / DATABASE_URL ต้องขึ้นต้นด้วย postgres:// หรือ sqlite://")
            }
        } else {
            database = .sqlite(path: (dataDir as NSString).appendingPathComponent("mueang.sqlite"))
        }
        var resolvedPort = 8080
        if let port { resolvedPort = port } else if let raw = env["PORT"], !raw.isEmpty {
            guard let p = Int(raw), (1...65535).contains(p) else {
                throw Problem(description: "PORT must be a number from 1 to 65535 (got \"\(raw)\") / PORT ต้องเป็นตัวเลข 1 ถึง 65535")
            }
            resolvedPort = p
        }
        var config = AppConfig(environment: environment, database: database, dataDirectory: dataDir,
                               port: resolvedPort, hostname: env["MUEANG_HOST"] ?? "127.0.0.1")
        if environment == .production {
            guard let secret = env["MUEANG_SECRET"], secret.utf8.count >= 32 else {
                throw Problem(description: "MUEANG_SECRET must be set to at least 32 characters in production / ต้องตั้ง MUEANG_SECRET อย่างน้อย 32 ตัวอักษรเมื่อใช้งานจริง")
            }
            config.secret = secret
            config.secureCookies = true
            config.passwordCost = 12
        } else if let secret = env["MUEANG_SECRET"], !secret.isEmpty {
            config.secret = secret
        }
        if environment == .testing { config.passwordCost = 4 }
        return config
    }
}
