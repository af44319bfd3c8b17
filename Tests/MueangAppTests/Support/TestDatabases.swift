import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp

/// The engines every integration test runs on. PostgreSQL is used when the test runner started
/// a throw-away cluster and passed its URL; the tests never touch a server they did not start.
enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["MUEANG_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The engines to run: SQLite always; PostgreSQL when available, and required when the
    /// runner says so (`MUEANG_REQUIRE_POSTGRES=1`), so CI cannot silently skip it.
    static var available: [Engine] {
        if postgresAdminURL != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["MUEANG_REQUIRE_POSTGRES"] == "1" { return [.sqlite, .postgres] }
        return [.sqlite]
    }
}

/// What a fresh test database starts as.
enum Fixture: String, Sendable { case empty, demo }

/// Migrated (and optionally demo-seeded) template databases, made once per test process and
/// copied for each test: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
actor TemplatePool {
    static let shared = TemplatePool()
    // Tasks, not values: the actor is re-entrant across `await`, and concurrent tests must
    // share one preparation rather than each start their own.
    private var sqliteTemplates: [Fixture: Task<String, any Error>] = [:]
    private var postgresTemplates: [Fixture: Task<String, any Error>] = [:]

    init() {
        // Quiet tests: only warnings and worse from the servers under test.
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return h
        }
    }
    let root: String = {
        let dir = NSTemporaryDirectory() + "mueang-tests-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    func freshDatabase(_ engine: Engine, _ fixture: Fixture) async throws -> AppConfig.Database {
        switch engine {
        case .sqlite:
            let template = try await sqliteTemplate(fixture)
            let path = root + "/db-\(UUID().uuidString).sqlite"
            try FileManager.default.copyItem(atPath: template, toPath: path)
            return .sqlite(path: path)
        case .postgres:
            guard let admin = Engine.postgresAdminURL else {
                throw TestSetupError("PostgreSQL required (MUEANG_REQUIRE_POSTGRES=1) but MUEANG_TEST_POSTGRES_URL is not set")
            }
            let template = try await postgresTemplate(fixture, admin: admin)
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try psql(admin, "CREATE DATABASE \(name) TEMPLATE \(template)")
            return .postgres(url: Self.url(admin, database: name))
        }
    }

    private func sqliteTemplate(_ fixture: Fixture) async throws -> String {
        if let t = sqliteTemplates[fixture] { return try await t.value }
        let path = root + "/template-\(fixture.rawValue).sqlite"
        let task = Task<String, any Error> {
            try? FileManager.default.removeItem(atPath: path)
            try await Self.prepare(.sqlite(path: path), fixture)
            return path
        }
        sqliteTemplates[fixture] = task
        return try await task.value
    }

    private func postgresTemplate(_ fixture: Fixture, admin: String) async throws -> String {
        if let t = postgresTemplates[fixture] { return try await t.value }
        let name = "mueang_template_\(fixture.rawValue)_\(ProcessInfo.processInfo.processIdentifier)"
        let task = Task<String, any Error> {
            try self.psql(admin, "DROP DATABASE IF EXISTS \(name)")
            try self.psql(admin, "CREATE DATABASE \(name)")
            try await Self.prepare(.postgres(url: Self.url(admin, database: name)), fixture)
            return name
        }
        postgresTemplates[fixture] = task
        return try await task.value
    }

    private static func prepare(_ db: AppConfig.Database, _ fixture: Fixture) async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, TestApp.config(db))
            try await migrate(app)
            if fixture == .demo { try await DemoSeed().run(on: app.db, passwordCost: 4) }
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func url(_ admin: String, database: String) -> String {
        guard var c = URLComponents(string: admin) else { return admin }
        c.path = "/" + database
        return c.string ?? admin
    }

    nonisolated func psql(_ url: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw TestSetupError("psql failed: \(sql): \(message)")
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
