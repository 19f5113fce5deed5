// swift-tools-version:6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Cronicle",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Cron", targets: ["Cron"]),
        .library(name: "Config", targets: ["Config"]),
        .library(name: "MonitorDomain", targets: ["MonitorDomain"]),
        .library(name: "MonitorStorage", targets: ["MonitorStorage"]),
        .library(name: "MonitorEngine", targets: ["MonitorEngine"]),
        .library(name: "MonitorHTTP", targets: ["MonitorHTTP"]),
        .library(name: "SyncClient", targets: ["SyncClient"]),
        .executable(name: "cronicle", targets: ["cronicle"]),
        .executable(name: "cronicle-server", targets: ["cronicle-server"]),
        .executable(name: "cronicle-sync", targets: ["cronicle-sync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // Only for FilePath, which swift-subprocess takes an executable's path as.
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // The monitor's own counters and histograms on `GET /metrics` (DESIGN 13).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL store (DESIGN 14).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Cron expressions, fire times and descriptions. Foundation only.
        .target(name: "Cron", swiftSettings: strictSettings),
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Job definitions: model, YAML loading, lint rules, reading from git.
        .target(
            name: "Config",
            dependencies: [
                "Cron",
                "CLibGit2",
                .product(name: "Yams", package: "Yams"),
                // SHA-256 fingerprints and HMAC-SHA1 for hashed known_hosts names.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The version every executable reports; a module apart so that `cronicle exec` needs no domain.
        .target(name: "CronicleBuildInfo", swiftSettings: strictSettings),
        // The monitor, one target per layer (docs/architecture in README.md). The domain:
        // jobs, runs, alerts, status, plans and reconciliation, the API's timestamps.
        .target(
            name: "MonitorDomain",
            dependencies: [
                "Config",
                "Cron",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The store: SQLite through GRDB. Knows no HTTP.
        .target(
            name: "MonitorStorage",
            dependencies: [
                "MonitorDomain",
                "CronicleBuildInfo",
                "CronicleLogging",
                "Config",
                "Cron",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The store on PostgreSQL: the same SQL as on SQLite (MonitorStorage's SQLSession), run
        // over postgres-nio. A target apart, so that what opens no PostgreSQL does not build it.
        .target(
            name: "MonitorStoragePostgres",
            dependencies: [
                "Config",
                "MonitorDomain",
                "MonitorStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "CronicleLogging",
            ],
            swiftSettings: strictSettings
        ),
        // The alert engine and notification delivery, on any store (MonitorStoring).
        .target(
            name: "MonitorEngine",
            dependencies: [
                "MonitorDomain",
                "CronicleBuildInfo",
                "CronicleLogging",
                "Config",
                "Cron",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The REST API, the dashboard and the server wiring: the only target that imports
        // Hummingbird and Mustache.
        .target(
            name: "MonitorHTTP",
            dependencies: [
                "MonitorDomain",
                "CronicleBuildInfo",
                "MonitorStorage",
                "MonitorStoragePostgres",
                "MonitorEngine",
                "Config",
                "Cron",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Web/Resources")],
            swiftSettings: strictSettings
        ),
        // One log line per event, as both executables print them.
        .target(
            name: "CronicleLogging",
            dependencies: [
                "MonitorDomain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // What `cronicle-sync` adds to the domain and the store: the client of a running
        // monitor (`--server`) and the watcher.
        .target(
            name: "SyncClient",
            dependencies: [
                "MonitorDomain",
                "CronicleBuildInfo",
                "Config",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `cronicle exec`: runs a command and reports its run to the monitor over HTTP. A client
        // of the monitor, so it knows neither the domain nor the server.
        .target(
            name: "CronicleExec",
            dependencies: [
                "CronicleBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // `cronicle`: small, so that `cronicle exec` starts in a few milliseconds (a binary's
        // start grows with its size: the Swift runtime searches every protocol conformance it
        // holds). It runs `exec` itself and replaces itself with `cronicle-server`, found
        // beside it, for every other command. Not a dependency: SwiftPM would link the
        // server's libraries into `cronicle` too; `swift build` builds both.
        .executableTarget(
            name: "cronicle",
            dependencies: ["CronicleExec", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // Every `cronicle` command but `exec`: the monitor and the operator commands.
        .executableTarget(
            name: "cronicle-server",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "MonitorEngine", "MonitorHTTP",
                "CronicleLogging", "Config",
                "CronicleExec", "SyncClient", "CronicleBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "cronicle-sync",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "SyncClient", "CronicleLogging",
                "CronicleBuildInfo",
                "Config",
                "Cron",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `scripts/bench-cron` runs it against cronsim; see docs/performance.md.
        .executableTarget(
            name: "cron-benchmark",
            dependencies: ["Cron"],
            path: "Benchmarks/CronBenchmark",
            swiftSettings: strictSettings
        ),
        // `scripts/bench-validate` compares validate with Yams parsing the same files.
        .executableTarget(
            name: "yams-parse",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Benchmarks/YamsParse",
            swiftSettings: strictSettings
        ),
        // `scripts/bench-api` measures the monitor against this bare endpoint on the same machine.
        .executableTarget(
            name: "bare-hummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/BareHummingbird",
            swiftSettings: strictSettings
        ),
        // The store alone, without HTTP; see docs/performance.md.
        .executableTarget(
            name: "alert-benchmark",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "MonitorEngine", "Config", "Cron",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/AlertBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "catch-up-benchmark",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorEngine", "Config",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/CatchUpBenchmark",
            swiftSettings: strictSettings
        ),
        // `scripts/bench-postgres`: the ping path's transactions on PostgreSQL, beside store-benchmark.
        .executableTarget(
            name: "postgres-benchmark",
            dependencies: ["MonitorDomain", "MonitorStorage", "MonitorStoragePostgres"],
            path: "Benchmarks/PostgresBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "store-benchmark",
            dependencies: ["MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "Config"],
            path: "Benchmarks/StoreBenchmark",
            swiftSettings: strictSettings
        ),
        // Shared by every test target: seeded randomness, temp folders, fixture repositories,
        // raw sockets, subprocesses, the headless browser. Foundation and swift-subprocess
        // only, so the Cron and Config tests build no database or HTTP stack.
        .target(
            name: "CronicleTestSupport",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/CronicleTestSupport",
            swiftSettings: strictSettings
        ),
        // For the store's tests on every database: the checks each SQL driver must pass alike.
        .target(
            name: "StorageTestSupport",
            dependencies: ["MonitorDomain", "MonitorStorage", "MonitorStoragePostgres"],
            path: "Sources/StorageTestSupport",
            swiftSettings: strictSettings
        ),
        // For the monitor's tests: a live server on a manual clock.
        .target(
            name: "MonitorTestSupport",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "StorageTestSupport", "MonitorEngine",
                "MonitorHTTP", "CronicleTestSupport", "Config",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/MonitorTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "CronTests", dependencies: ["Cron", "CronicleTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "ConfigTests", dependencies: ["Config", "CronicleTestSupport"], exclude: ["Fixtures"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "MonitorDomainTests",
            dependencies: ["MonitorDomain", "Config", .product(name: "NIOCore", package: "swift-nio")],
            exclude: ["Fixtures"], swiftSettings: strictSettings),
        .testTarget(
            name: "MonitorStorageTests",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "Config", "CronicleTestSupport", "StorageTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MonitorStoragePostgresTests",
            dependencies: [
                "Config", "MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "CronicleTestSupport",
                "StorageTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MonitorEngineTests",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorStoragePostgres", "MonitorEngine", "Config",
                "CronicleTestSupport", "MonitorTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MonitorHTTPTests",
            dependencies: [
                "MonitorDomain", "MonitorStorage", "MonitorEngine", "MonitorHTTP", "SyncClient", "Config",
                "CronicleBuildInfo", "CronicleTestSupport", "MonitorTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "CronicleTestSupport", "MonitorTestSupport", "MonitorDomain", "MonitorStorage",
                "MonitorStoragePostgres",
                "StorageTestSupport", "SyncClient", "Config",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CronicleExecTests",
            dependencies: ["CronicleExec", "CronicleBuildInfo", "CronicleTestSupport", "MonitorTestSupport"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
