// swift-tools-version: 6.0
import PackageDescription

// Atelier: datasets, preprocessing, neural networks, analysis and figures in Swift on Linux.
// Layering (lower targets never import higher ones):
//   C shims -> TensorCore -> Datasets, Preprocessing, Metrics, Studies, TensorBoard -> FeatureSelection,
//   Clustering, Embedding, NeuralNet, Plotting, LinearModels, study storages -> StudyObjectives,
//   StudyViews -> Fraud -> Reports -> atelier (CLI)
let package = Package(
    name: "Atelier",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Atelier", targets: [
            "TensorCore", "Datasets", "Preprocessing", "Metrics", "FeatureSelection",
            "Clustering", "Embedding", "NeuralNet", "Plotting", "LinearModels", "Fraud", "Reports", "Studies", "StudyObjectives",
            "StudyViews", "TensorBoard",
        ]),
        .executable(name: "atelier", targets: ["atelier"]),
        .executable(name: "atelier-bench", targets: ["AtelierBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C shims: the only targets that see C headers.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng"),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),

        .target(name: "TensorCore", dependencies: ["CBLAS"]),
        .target(name: "Datasets", dependencies: ["TensorCore", "CZlib", "CDeflate"]),
        .target(name: "Preprocessing", dependencies: ["TensorCore"]),
        .target(name: "Metrics", dependencies: ["TensorCore"]),
        .target(name: "FeatureSelection", dependencies: ["TensorCore", "Datasets", "Metrics"]),
        .target(name: "Clustering", dependencies: ["TensorCore", "Metrics"]),
        .target(name: "Embedding", dependencies: ["TensorCore", "Clustering"]),
        .target(name: "NeuralNet", dependencies: ["TensorCore", "Datasets", "Metrics"]),
        // Hyperparameter studies: the engine (spaces, trials, samplers, pruners, in-memory storage)
        // needs no neural network; storage drivers and training objectives sit above it.
        .target(name: "Studies", dependencies: ["TensorCore"]),
        // Storage drivers on Optuna's own schema, and the URL that picks one.
        .target(name: "StudyStorageSupport", dependencies: ["Studies"]),
        .target(name: "StudiesSQLite", dependencies: ["Studies", "StudyStorageSupport",
                                                      .product(name: "GRDB", package: "GRDB.swift")]),
        // libpq, not postgres-nio: postgres-nio pulls swift-metrics, whose `Metrics` module clashes
        // with Atelier's own `Metrics` target (SwiftPM refuses the graph; module aliases do not help).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "StudiesPostgres", dependencies: ["Studies", "StudyStorageSupport", "CLibPQ"]),
        .target(name: "StudyStorages", dependencies: ["Studies", "StudiesSQLite", "StudiesPostgres"]),
        // Built-in objectives of studies: training a zoo model on an image dataset.
        .target(name: "StudyObjectives", dependencies: ["Studies", "NeuralNet", "Datasets", "TensorCore"]),
        .target(name: "Plotting", dependencies: ["TensorCore", "CCairo", "CPNG", "CZlib"], exclude: ["README.md"]),
        // Looking at studies: figures drawn through Plotting, and the self-contained study page.
        .target(name: "StudyViews", dependencies: ["Studies", "Plotting", "TensorCore", "Datasets"]),
        // TensorBoard event files (scalars, HParams), readable by TensorBoard itself.
        .target(name: "TensorBoard", dependencies: ["TensorCore"]),
        .target(name: "LinearModels", dependencies: ["TensorCore", "Metrics"]),
        .target(name: "Fraud", dependencies: [
            "TensorCore", "Datasets", "Preprocessing", "Metrics", "FeatureSelection", "NeuralNet", "Plotting", "LinearModels",
        ]),
        .target(name: "Reports", dependencies: [
            "TensorCore", "Datasets", "Preprocessing", "Metrics", "Clustering", "Embedding",
            "NeuralNet", "Plotting", "LinearModels", "Fraud", "Studies", "StudiesSQLite", "StudyObjectives", "StudyViews",
        ]),
        .executableTarget(name: "atelier", dependencies: [
            "TensorCore", "Datasets", "Preprocessing", "Metrics", "FeatureSelection", "Clustering",
            "Embedding", "NeuralNet", "Plotting", "LinearModels", "Fraud", "Reports", "Studies", "StudyStorages", "StudyObjectives",
            "StudyViews", "TensorBoard",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "AtelierBenchmarks", dependencies: [
            "TensorCore", "CBLAS", "Datasets", "Preprocessing", "Metrics", "FeatureSelection",
            "Clustering", "Embedding", "NeuralNet", "Plotting", "Fraud", "Studies", "StudiesSQLite", "StudyStorages",
            "StudyViews",
        ], path: "Benchmarks/AtelierBenchmarks"),

        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "PreprocessingTests", dependencies: ["Preprocessing", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "TestSupport"]),
        .testTarget(name: "FeatureSelectionTests", dependencies: ["FeatureSelection", "TestSupport"]),
        .testTarget(name: "ClusteringTests", dependencies: ["Clustering", "TestSupport"]),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Datasets", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "TestSupport"]),
        .testTarget(name: "LinearModelsTests", dependencies: ["LinearModels", "Datasets", "Metrics", "TestSupport"]),
        .testTarget(name: "FraudTests", dependencies: ["Fraud", "LinearModels", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Studies", "StudiesSQLite", "TestSupport"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "StudyViewsTests", dependencies: ["StudyViews", "Studies", "Plotting", "TestSupport"],
                    exclude: ["Browser"]),
        .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard", "TestSupport"]),
        // One storage conformance suite over every driver, plus Optuna interop; the worker
        // executable is what the multi-process tests and the study-workers benchmark spawn.
        .executableTarget(name: "StudyStorageWorker", dependencies: ["Studies", "StudyStorages"],
                          path: "Tests/StudyStorageWorker"),
        .testTarget(name: "StudyStoragesTests", dependencies: [
            "Studies", "StudyStorages", "StudiesSQLite", "StudiesPostgres", "StudyStorageSupport", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], exclude: ["Fixtures", "Python"]),
    ]
)
