import Vapor
import Fluent
import SQLKit
import Metrics
import Prometheus
import NIOConcurrencyHelpers

/// Prometheus metrics: Vapor reports request counts and latencies by route through swift-metrics;
/// we add the database pool's size and use.
public enum MetricsSetup {
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = NIOLockedValueBox(false)

    /// The metrics system can be bootstrapped once per process; tests build many applications.
    public static func bootstrapOnce() {
        bootstrapped.withLockedValue { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }
}

public final class PoolGauges: Sendable {
    let maxConnections = MetricsSetup.registry.makeGauge(descriptor: .init(namespace: "mueang", metricName: "db_pool", unitName: "connections", helpText: "Database connections of this process, by state"), labels: [("state", "max")])
    let openConnections = MetricsSetup.registry.makeGauge(descriptor: .init(namespace: "mueang", metricName: "db_pool", unitName: "connections", helpText: "Database connections of this process, by state"), labels: [("state", "open")])
    let activeConnections: Prometheus.Gauge?
    let poolSize: Int
    let isPostgres: Bool

    init(poolSize: Int, isPostgres: Bool) {
        self.poolSize = poolSize
        self.isPostgres = isPostgres
        activeConnections = isPostgres ? MetricsSetup.registry.makeGauge(descriptor: .init(namespace: "mueang", metricName: "db_pool", unitName: "connections", helpText: "Database connections of this process, by state"), labels: [("state", "active")]) : nil
    }

    /// PostgreSQL tells how many of our connections exist and how many are running a query.
    /// Embedded SQLite keeps one connection per event loop, all open, and cannot tell which are
    /// busy, so it reports no "active" figure rather than a made-up one.
    func refresh(_ req: Request) async {
        maxConnections.set(to: Double(poolSize))
        guard isPostgres, let sql = req.db as? any SQLDatabase else {
            openConnections.set(to: Double(poolSize))
            return
        }
        struct Row: Decodable { let open: Int; let active: Int }
        if let row = try? await sql.raw("""
            SELECT count(*)::int AS open, count(*) FILTER (WHERE state = 'active')::int AS active
            FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user
            """).first(decoding: Row.self) {
            openConnections.set(to: Double(row.open))
            activeConnections?.set(to: Double(row.active))
        }
    }
}

struct PoolGaugesKey: StorageKey { typealias Value = PoolGauges }

extension Application {
    var poolGauges: PoolGauges { storage[PoolGaugesKey.self] ?? PoolGauges(poolSize: 1, isPostgres: false) }
}
