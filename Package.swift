// swift-tools-version:6.2
import PackageDescription

/// Strictness shared by every target: `public import` is a deliberate act and
/// existentials are spelled `any`.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Tradewind",
    products: [
        .executable(name: "tradewind", targets: ["tradewind"]),
        .executable(name: "tradewind-bench", targets: ["tradewind-bench"]),
        .library(name: "TradewindCore", targets: ["TradewindCore"]),
        .library(name: "TradewindIndicators", targets: ["TradewindIndicators"]),
        .library(name: "TradewindStrategy", targets: ["TradewindStrategy"]),
        .library(name: "TradewindTesting", targets: ["TradewindTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure modules: no I/O, no wall clock, no unseeded randomness.
        .target(name: "TradewindCore", swiftSettings: strict),
        .target(name: "TradewindIndicators", dependencies: ["TradewindCore"], swiftSettings: strict),
        .target(name: "TradewindRisk", dependencies: ["TradewindCore"], swiftSettings: strict),
        .target(
            name: "TradewindStrategy",
            dependencies: ["TradewindCore", "TradewindIndicators"],
            exclude: ["Strategies/SMACross/README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "TradewindEngine",
            dependencies: ["TradewindCore", "TradewindStrategy", "TradewindMarketData", "TradewindRisk"],
            swiftSettings: strict
        ),
        .target(
            name: "TradewindSimulation",
            dependencies: ["TradewindEngine", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: strict
        ),
        .target(
            name: "TradewindAnalytics",
            dependencies: [
                "TradewindCore", "TradewindSimulation", "TradewindRisk",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: strict
        ),
        // Alert rules, their evaluation, batching and the bounded hand-off from the trading path: pure.
        .target(
            name: "TradewindAlerts",
            dependencies: ["TradewindCore", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict
        ),
        // Notification channels (Telegram, SMTP e-mail, webhooks), delivery and the alert monitor: the I/O edge of TradewindAlerts.
        .target(
            name: "TradewindNotifications",
            dependencies: ["TradewindCore", "TradewindAlerts", "TradewindStorage", "TradewindConfiguration",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOFoundationCompat", package: "swift-nio"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: strict
        ),
        // The trading node's edge: venues, resilience, reconciliation.
        .target(
            name: "TradewindLive",
            dependencies: ["TradewindCore", "TradewindEngine", "TradewindSimulation", "TradewindRisk", "TradewindStorage",
                           "TradewindStrategy", "TradewindMarketData", "TradewindAlerts",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "WSClient", package: "swift-websocket"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // A local exchange on loopback speaking the subset of Binance's spot API the adapter uses:
        // for tests and demos only, never a dependency of the product.
        .target(
            name: "TradewindFakeExchange",
            dependencies: ["TradewindCore",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strict
        ),
        // Search spaces, samplers and pruners are pure; the study runner drives backtests.
        .target(
            name: "TradewindOptimization",
            dependencies: [
                "TradewindCore", "TradewindStrategy", "TradewindSimulation", "TradewindAnalytics", "TradewindStorage",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: strict
        ),
        // Aggregation is pure; CSV import reads files at the edge.
        .target(
            name: "TradewindMarketData",
            dependencies: ["TradewindCore", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: strict
        ),
        // All persistent state behind repository protocols: SQLite (GRDB) by default, PostgreSQL in production.
        .target(
            name: "TradewindStorage",
            dependencies: [
                "TradewindCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // One backtest from files or stored series: the composition the CLI and the server share.
        .target(
            name: "TradewindResearch",
            dependencies: ["TradewindCore", "TradewindMarketData", "TradewindStrategy", "TradewindEngine", "TradewindSimulation",
                           "TradewindAnalytics", "TradewindRisk"],
            swiftSettings: strict
        ),
        // The one typed configuration: layered sources, validation, secrets, templates.
        .target(
            name: "TradewindConfiguration",
            dependencies: [
                "TradewindCore", "TradewindRisk", "TradewindAlerts",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The operator's server: /api/v1 with auth and roles, the live stream, the dashboard, /metrics, health.
        .target(
            name: "TradewindServer",
            dependencies: [
                "TradewindCore", "TradewindStorage", "TradewindConfiguration", "TradewindLive", "TradewindAnalytics", "TradewindRisk",
                "TradewindSimulation", "TradewindStrategy", "TradewindOptimization", "TradewindMarketData", "TradewindResearch",
                "TradewindAlerts", "TradewindNotifications",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TradewindTesting",
            dependencies: ["TradewindCore", "TradewindEngine", "TradewindMarketData", "TradewindStrategy", "TradewindStorage"],
            swiftSettings: strict
        ),
        // The CLI's commands live in a library so tests drive the same code the binary runs.
        .target(
            name: "TradewindCLI",
            dependencies: [
                "TradewindCore", "TradewindMarketData", "TradewindIndicators", "TradewindStrategy", "TradewindEngine",
                "TradewindSimulation", "TradewindAnalytics", "TradewindStorage", "TradewindOptimization", "TradewindRisk",
                "TradewindLive", "TradewindConfiguration", "TradewindServer", "TradewindResearch", "TradewindAlerts", "TradewindNotifications",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tradewind",
            dependencies: ["TradewindCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tradewind-bench",
            dependencies: [
                "TradewindCore", "TradewindMarketData", "TradewindIndicators", "TradewindStrategy", "TradewindEngine",
                "TradewindSimulation", "TradewindAnalytics", "TradewindStorage", "TradewindOptimization", "TradewindLive",
                "TradewindServer", "TradewindConfiguration", "TradewindAlerts", "TradewindNotifications",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "TradewindStorageTests",
            dependencies: ["TradewindStorage", "TradewindCore", "TradewindMarketData", "TradewindTesting",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(name: "TradewindAlertsTests", dependencies: ["TradewindAlerts", "TradewindCore"], swiftSettings: strict),
        .testTarget(
            name: "TradewindNotificationsTests",
            dependencies: ["TradewindNotifications", "TradewindAlerts", "TradewindCore", "TradewindStorage", "TradewindConfiguration",
                           "TradewindTesting",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOFoundationCompat", package: "swift-nio")],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(name: "TradewindCoreTests", dependencies: ["TradewindCore", "TradewindTesting"], swiftSettings: strict),
        .testTarget(name: "TradewindRiskTests", dependencies: ["TradewindRisk", "TradewindCore"], swiftSettings: strict),
        .testTarget(
            name: "TradewindLiveTests",
            dependencies: ["TradewindLive", "TradewindCore", "TradewindFakeExchange", "TradewindStorage", "TradewindStrategy",
                           "TradewindTesting", "TradewindMarketData", "TradewindSimulation"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindServerTests",
            dependencies: ["TradewindServer", "TradewindConfiguration", "TradewindStorage", "TradewindCore", "TradewindTesting", "TradewindAlerts",
                           "TradewindResearch", "TradewindMarketData", "TradewindSimulation", "TradewindAnalytics",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "JWTKit", package: "jwt-kit"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "WSClient", package: "swift-websocket"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindMarketDataTests",
            dependencies: ["TradewindMarketData", "TradewindTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindIndicatorsTests",
            dependencies: ["TradewindIndicators", "TradewindMarketData", "TradewindCore", "TradewindTesting"],
            exclude: ["../Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindStrategyTests",
            dependencies: ["TradewindStrategy", "TradewindTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindEngineTests",
            dependencies: ["TradewindEngine", "TradewindSimulation", "TradewindStrategy", "TradewindRisk", "TradewindTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindOptimizationTests",
            dependencies: ["TradewindOptimization", "TradewindStrategy", "TradewindStorage", "TradewindAnalytics", "TradewindEngine", "TradewindTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TradewindAnalyticsTests",
            dependencies: ["TradewindAnalytics", "TradewindSimulation", "TradewindTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TradewindCLI", "TradewindResearch", "TradewindAnalytics", "TradewindSimulation", "TradewindCore", "tradewind", "TradewindTesting",
                           "TradewindFakeExchange", "TradewindStorage", "TradewindLive",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strict
        ),
    ]
)
