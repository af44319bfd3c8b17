// swift-tools-version: 6.1
import PackageDescription

// Pure domain libraries (no Vapor) sit at the bottom; `MueangApp` composes them with Vapor and
// Fluent; the one executable `mueang` exposes the server and every job as subcommands.
let package = Package(
    name: "Mueang",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mueang", targets: ["mueang"]),
        .library(name: "ThaiConventions", targets: ["ThaiConventions"]),
        .library(name: "Geodesy", targets: ["Geodesy"]),
        .library(name: "SignboardTax", targets: ["SignboardTax"]),
        .library(name: "Epidemiology", targets: ["Epidemiology"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // MARK: Domain libraries: Foundation only.
        .target(name: "ThaiConventions"),
        .target(name: "Geodesy"),
        .target(name: "SignboardTax"),
        .target(name: "Epidemiology", dependencies: ["Geodesy"]),
        /// CSV (UTF-8, TIS-620), XLSX and GeoJSON reading and writing, streaming.
        .target(name: "Tabular", dependencies: ["ThaiConventions", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        /// Dataset schemas, field values and their validation, recovery of registers from old copies.
        .target(name: "Datasets", dependencies: ["ThaiConventions"]),

        // MARK: Command-line front ends of the domain libraries (no Vapor).
        .target(name: "SignboardTaxCommand", dependencies: [
            "SignboardTax",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "EpidemiologyCommand", dependencies: [
            "Epidemiology", "Geodesy",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: The web platform.
        .target(name: "MueangApp", dependencies: [
            "ThaiConventions", "Geodesy", "Tabular", "Datasets",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "mueang", dependencies: [
            "MueangApp", "SignboardTaxCommand", "EpidemiologyCommand",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Benchmarks (run by the scripts in bench/, never by the test suite).
        .executableTarget(name: "bench-epi", dependencies: ["Epidemiology", "Geodesy"], path: "bench/epi", exclude: ["run.sh"]),
        .executableTarget(name: "bench-signtax", dependencies: ["SignboardTax", "SignboardTaxCommand"],
                          path: "bench/signtax", exclude: ["run.sh"]),

        // MARK: Tests.
        .testTarget(name: "ThaiConventionsTests", dependencies: ["ThaiConventions"]),
        .testTarget(name: "GeodesyTests", dependencies: ["Geodesy"]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "ThaiConventions", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "ThaiConventions", "Epidemiology"]),
        .testTarget(name: "SignboardTaxTests", dependencies: [
            "SignboardTax", "SignboardTaxCommand",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "EpidemiologyTests", dependencies: ["Epidemiology", "EpidemiologyCommand", "Geodesy"], exclude: ["Fixtures"]),
        .testTarget(name: "MueangAppTests", dependencies: [
            "MueangApp", "ThaiConventions", "Datasets", "Tabular",
            .product(name: "VaporTesting", package: "vapor"),
        ]),
    ]
)
