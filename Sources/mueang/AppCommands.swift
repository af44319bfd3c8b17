import ArgumentParser
import Foundation
import Logging
import MueangApp
import Vapor
import Fluent

// Vapor re-exports ConsoleKit, whose property wrappers share these names.
typealias Option = ArgumentParser.Option
typealias Flag = ArgumentParser.Flag
typealias Argument = ArgumentParser.Argument

/// Options every platform command shares: where the embedded database lives.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory of the embedded SQLite database and uploads (ignored when DATABASE_URL points at PostgreSQL).")
    var dataDir: String = "./var"
}

enum Runner {
    static let bootstrapLogging: Void = {
        let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    }()

    /// Builds the configured application, runs `body`, and always shuts it down.
    static func withApp<T>(_ storage: StorageOptions, port: Int? = nil, quiet: Bool = false,
                           _ body: (Application) async throws -> T) async throws -> T {
        _ = bootstrapLogging
        let config: AppConfig
        do { config = try AppConfig.fromEnvironment(dataDirectory: storage.dataDir, port: port) } catch {
            FileHandle.standardError.write(Data("mueang: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let env = Environment(name: config.environment == .production ? "production" : "development", arguments: ["mueang"])
        let app = try await Application.make(env)
        if quiet { app.logger.logLevel = .warning }
        do {
            try await configure(app, config)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("mueang: \(message)\n".utf8))
        return ExitCode(1)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the platform over HTTP (migrates the database first).",
        discussion: "Configuration comes from the environment: DATABASE_URL, PORT, MUEANG_ENV, MUEANG_SECRET, MUEANG_HOST.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "TCP port (default: PORT or 8080).") var port: Int?

    func run() async throws {
        try await Runner.withApp(storage, port: port) { app in
            try await migrate(app)
            try await serve(app)
        }
    }
}

func serve(_ app: Application) async throws {
    try await failInterruptedJobs(app)
    try await limitRequestWaits(app)
    app.environment.arguments = ["mueang", "serve"]
    try await app.execute()
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")
    @OptionGroup var storage: StorageOptions
    func run() async throws {
        try await Runner.withApp(storage, quiet: true) { app in
            try await migrate(app)
            say("migrated / ปรับปรุงโครงสร้างฐานข้อมูลแล้ว")
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seed the three demo municipalities (nongki, lahansai, hatyai) and serve them.",
        discussion: "The demo is deterministic from --seed; the logins are printed before the server starts. An existing demo is kept.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "TCP port (default: PORT or 8080).") var port: Int?
    @Option(help: "Seed for the demo data and passwords.") var seed: UInt64 = 2569
    @Flag(help: "Seed and exit without serving.") var noServe = false

    func run() async throws {
        try await Runner.withApp(storage, port: port) { app in
            try await migrate(app)
            let demo = DemoSeed(seed: seed)
            let seeded = try await demo.run(on: app.db, passwordCost: app.appConfig.passwordCost)
            say(seeded ? "Demo created / สร้างข้อมูลตัวอย่างแล้ว" : "Demo already present / มีข้อมูลตัวอย่างอยู่แล้ว")
            say("Logins (seed \(seed)) / บัญชีทดลอง:")
            for login in demo.logins() {
                let page = login.tenant.map { "http://localhost:\(app.appConfig.port)/t/\($0)/login" } ?? "http://localhost:\(app.appConfig.port)/login"
                say("  \(login.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(login.username.padding(toLength: 10, withPad: " ", startingAt: 0)) \(login.password)  \(page)")
            }
            say("Open http://localhost:\(app.appConfig.port)/")
            if !noServe { try await serve(app) }
        }
    }
}

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tenant", abstract: "Manage municipalities (tenants).",
                                                    subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a municipality.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "URL name, e.g. nongki (lowercase letters, digits, hyphens).") var slug: String
        @Option(name: .customLong("name-th"), help: "Thai name, e.g. เทศบาลตำบลหนองกี่.") var nameTH: String
        @Option(name: .customLong("name-en"), help: "English name.") var nameEN: String
        @Option(help: "city | town | subdistrict | sao") var kind: String = "subdistrict"
        @Option(help: "Centre latitude (WGS84).") var lat: Double
        @Option(help: "Centre longitude (WGS84).") var lon: Double
        @Option(help: "Province name (Thai).") var province: String = ""
        @Option(help: "District name (Thai).") var district: String = ""
        @Option(help: "Subdistrict name (Thai).") var subdistrict: String = ""

        func run() async throws {
            guard let kind = TenantKind(rawValue: kind) else { throw Runner.fail("unknown kind \(kind); use city, town, subdistrict or sao") }
            try await Runner.withApp(storage, quiet: true) { app in
                try await migrate(app)
                var t = PlatformService.NewTenant(slug: slug, nameTH: nameTH, nameEN: nameEN, kind: kind, latitude: lat, longitude: lon)
                t.provinceName = province; t.districtName = district; t.subdistrictName = subdistrict
                do {
                    try await PlatformService(db: app.db, passwordCost: app.appConfig.passwordCost).createTenant(t)
                } catch let e as AppError { throw Runner.fail(e.message.description) }
                say("created tenant \(slug) / สร้างเทศบาล \(slug) แล้ว")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List municipalities.")
        @OptionGroup var storage: StorageOptions
        func run() async throws {
            try await Runner.withApp(storage, quiet: true) { app in
                try await migrate(app)
                for t in try await MueangApp.Tenant.query(on: app.db).sort(\.$slug).all() { say("\(t.slug)\t\(t.nameTH)\t\(t.nameEN)") }
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage people who sign in.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user of a municipality (or a platform operator).",
            discussion: "Roles: operator, admin, staff, executive, volunteer. Staff may be scoped to divisions with --division.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Municipality slug (not for operators).") var tenant: String?
        @Option(help: "Login name.") var username: String
        @Option(help: "operator | admin | staff | executive | volunteer") var role: String
        @Option(help: "Password (8 characters or more).") var password: String
        @Option(help: "Display name (default: the username).") var name: String?
        @Option(help: "Division slug for staff; repeat for several.") var division: [String] = []

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw Runner.fail("unknown role \(role); use operator, admin, staff, executive or volunteer") }
            try await Runner.withApp(storage, quiet: true) { app in
                try await migrate(app)
                let service = PlatformService(db: app.db, passwordCost: app.appConfig.passwordCost)
                do {
                    let t = try await tenant.asyncMap { try await service.tenant(slug: $0) }
                    var u = PlatformService.NewUser(username: username, displayName: name ?? username, password: password, role: role)
                    u.divisionSlugs = division
                    try await service.createUser(u, tenant: t)
                } catch let e as AppError { throw Runner.fail(e.message.description) }
                say("created user \(username) / สร้างผู้ใช้ \(username) แล้ว")
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API bearer tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new API bearer token for a user, and nothing else.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Municipality slug.") var tenant: String
        @Option(help: "Username.") var user: String
        @Option(help: "A name to recognise the token by.") var name: String = "cli"

        func run() async throws {
            try await Runner.withApp(storage, quiet: true) { app in
                try await migrate(app)
                let service = PlatformService(db: app.db, passwordCost: app.appConfig.passwordCost)
                do {
                    let t = try await service.tenant(slug: tenant)
                    guard let u = try await MueangApp.User.query(on: app.db).filter(\.$tenantID == t.requireID()).filter(\.$username == user).first(), u.isActive else {
                        throw Runner.fail("no active user \(user) in \(tenant) / ไม่พบผู้ใช้ \(user)")
                    }
                    say(try await service.createToken(for: u, name: name))
                } catch let e as AppError { throw Runner.fail(e.message.description) }
            }
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a consistent snapshot of the platform, or of one tenant, while the server runs.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "File to write.") var out: String
    @Option(help: "Only this municipality's data.") var tenant: String?

    func run() async throws {
        try await Runner.withApp(storage, quiet: true) { app in
            try await migrate(app)
            let doc: BackupDocument
            do { doc = try await BackupService.snapshot(db: app.db, tenantSlug: tenant) } catch let e as BackupService.Problem { throw Runner.fail(e.description) }
            let data = try BackupService.encode(doc)
            let tmp = out + ".partial"
            try data.write(to: URL(fileURLWithPath: tmp))
            if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
            try FileManager.default.moveItem(atPath: tmp, toPath: out)
            say("backup written: \(out) (\(doc.tables.rowCount) rows, \(data.count) bytes)")
        }
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restore a backup file into an empty data directory or database.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "Backup file written by `mueang backup`.") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw Runner.fail("cannot read \(file) / อ่านไฟล์ไม่ได้") }
        try await Runner.withApp(storage, quiet: true) { app in
            try await migrate(app)
            do {
                let doc = try BackupService.decode(data)
                try await BackupService.restore(doc, into: app.db)
                say("restored \(doc.tables.rowCount) rows / กู้คืนแล้ว")
            } catch let e as BackupService.Problem { throw Runner.fail(e.description) }
        }
    }
}


/// Writes a line to standard output at once (print buffers when output is a file or pipe,
/// which would hide the demo's logins until exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
