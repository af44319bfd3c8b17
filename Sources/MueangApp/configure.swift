import Vapor
import Fluent
import FluentSQLiteDriver
import FluentPostgresDriver
import SQLKit

/// Builds the whole application from a configuration: database, migrations, middleware, routes.
public func configure(_ app: Application, _ config: AppConfig) async throws {
    app.appConfig = config
    app.storage[TenantCacheKey.self] = TenantCache()
    app.storage[RouteCatalogKey.self] = RouteCatalog()
    app.storage[LoginThrottleKey.self] = LoginThrottle()
    app.storage[JobRegistryKey.self] = JobRegistry()
    MetricsSetup.bootstrapOnce()

    try configureDatabase(app, config)
    app.migrations.add(Migrations.all)

    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = "256kb"

    app.middleware = Middlewares()
    app.middleware.use(AccessLogMiddleware())
    app.middleware.use(BilingualErrorMiddleware())
    app.middleware.use(CSRFCookieMiddleware())
    app.middleware.use(Authenticator())

    let site = Site(app: app)
    site.global(.GET, .asset("app.css"), .public) { _ in StaticAssets.css() }
    site.global(.GET, .asset("job.js"), .public) { _ in StaticAssets.jobScript() }
    site.global(.GET, .asset("map-picker.js"), .public) { _ in StaticAssets.script(StaticAssets.mapPicker) }
    site.global(.GET, .asset("field-rows.js"), .public) { _ in StaticAssets.script(StaticAssets.fieldRows) }
    site.global(.GET, .asset("leaflet/leaflet.js"), .public) { _ in StaticAssets.leaflet("leaflet.js") }
    site.global(.GET, .asset("leaflet/leaflet.css"), .public) { _ in StaticAssets.leaflet("leaflet.css") }
    PlatformController.register(site)
    AuthController.register(site)
    TenantHomeController.register(site)
    DivisionsController.register(site)
    VillagesController.register(site)
    UsersController.register(site)
    SettingsController.register(site)
    AuditController.register(site)
    TokensController.register(site)
    DatasetsAPIController.register(site)
    DatasetPages.register(site)
    DatasetPages.registerImport(site)
    RecoveryPages.register(site)
    OpenAPIDocument.register(site)
}

func configureDatabase(_ app: Application, _ config: AppConfig) throws {
    switch config.database {
    case .sqlite(let path):
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
        app.databases.use(.sqlite(path == ":memory:" ? .memory : .file(path), sqlLogLevel: .debug), as: .sqlite)
        // Long jobs (imports) get connections of their own, so a job's open transaction never
        // holds a connection that requests on the same event loop are waiting for.
        if path != ":memory:" { app.databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .jobs, isDefault: false) }
        app.storage[PoolGaugesKey.self] = PoolGauges(poolSize: app.eventLoopGroup.makeIterator().reduce(0) { n, _ in n + 1 }, isPostgres: false)
    case .postgres(let url):
        let perLoop = 4
        app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: perLoop, sqlLogLevel: .debug), as: .psql)
        app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 1, sqlLogLevel: .debug), as: .jobs, isDefault: false)
        app.storage[PoolGaugesKey.self] = PoolGauges(poolSize: perLoop * app.eventLoopGroup.makeIterator().reduce(0) { n, _ in n + 1 }, isPostgres: true)
    }
}

extension DatabaseID {
    /// The pool for background jobs (imports); see `configureDatabase`.
    static let jobs = DatabaseID(string: "jobs")
}

extension Application {
    /// The database for background jobs: their own pool when there is one.
    var jobsDatabase: any Database {
        databases.ids().contains(.jobs) ? db(.jobs) : db
    }
}

/// Brings the database schema up to date; on SQLite also switches to write-ahead logging so a
/// backup can read a consistent snapshot while the server writes, and copies into the database
/// what the log still holds (a process stopped before its checkpoint finished leaves it) and
/// empties the log: now, rather than in the first request that commits, and so that the next
/// import writes a new log rather than over an old one (`SQLiteBulk.emptyLog`).
public func migrate(_ app: Application) async throws {
    if case .sqlite(let path) = app.appConfig.database, path != ":memory:", let sql = app.db as? any SQLDatabase {
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        await SQLiteBulk.emptyLog(path)
    }
    try await app.autoMigrate()
}

/// An import that was running when the process died was rolled back by the database; its job
/// is marked failed so nobody waits for it. (One server process per database is assumed.)
public func failInterruptedJobs(_ app: Application) async throws {
    let interrupted = DatasetJob.failureJSON(.init(th: "การนำเข้าถูกขัดจังหวะ ไม่มีข้อมูลใดถูกเปลี่ยน", en: "The import was interrupted; nothing was changed."))
    try await DatasetJob.query(on: app.db).filter(\.$status == "running")
        .set(\.$status, to: "failed").set(\.$resultJSON, to: interrupted).set(\.$finishedAt, to: Date())
        .update()
}

/// On SQLite, a request's statement waits a bounded time for another connection's write
/// (`DatabaseBusy.requestWait`), then the request gets a 503 to retry.
public func limitRequestWaits(_ app: Application) async throws {
    try await DatabaseBusy.limitRequestWaits(app)
}
