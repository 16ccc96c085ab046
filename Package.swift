// swift-tools-version:6.1
import PackageDescription

let linkMath: [LinkerSetting] = [.linkedLibrary("m", .when(platforms: [.linux]))]
// The kernels' one switch between fused and separate multiply-adds (Kernels/MultiplyAdd.swift).
let fusedMultiplyAdd: [SwiftSetting] = [.define("FUSED_MULTIPLY_ADD", .when(traits: ["FusedMultiplyAdd"]))]

let package = Package(
    name: "MetricLearning",
    products: [
        .library(name: "MetricLearning", targets: ["MetricLearning"]),
        // Test helpers for users' own losses (reference fixtures, closeness, gradient checks).
        // A separate product, so a production build never links a test framework.
        .library(name: "MetricLearningTesting", targets: ["MetricLearningTesting"]),
        .executable(name: "metric-learning", targets: ["metric-learning"]),
        .executable(name: "metric-bench", targets: ["metric-bench"]),
        .executable(name: "metric-fuzz", targets: ["metric-fuzz"]),
    ],
    traits: [
        .trait(
            name: "FusedMultiplyAdd",
            description: """
                Fused multiply-add and AVX-sized register tiles in the x86-64 kernels. For a build whose \
                target CPU has FMA: -Xswiftc -target-cpu -Xswiftc native (KernelBuild.fusedMultiplyAddIsSlow \
                tells when it has not). arm64 fuses without it.
                """),
        .default(enabledTraits: []),
    ],
    targets: [
        // Layers, bottom to top; a target depends only on the ones below it.
        .target(name: "TensorCore", swiftSettings: fusedMultiplyAdd, linkerSettings: linkMath),
        .target(name: "MetricLosses", dependencies: ["TensorCore"], linkerSettings: linkMath),
        .target(name: "MetricTraining", dependencies: ["TensorCore", "MetricLosses"], linkerSettings: linkMath),
        .target(name: "MetricEvaluation", dependencies: ["TensorCore"], linkerSettings: linkMath),
        // The umbrella module a consumer imports.
        .target(name: "MetricLearning", dependencies: ["TensorCore", "MetricLosses", "MetricTraining", "MetricEvaluation"]),
        // Imports Testing and XCTest (each under `#if canImport`) and Foundation's JSONDecoder;
        // only test targets should depend on it.
        .target(name: "MetricLearningTesting", dependencies: ["MetricLearning"]),
        // Every enrolled type once, for the test suites, the fuzzer and the fixture runner.
        .target(name: "MetricLearningRegistry", dependencies: ["MetricLearning", "MetricLearningTesting"]),
        .executableTarget(name: "metric-learning", dependencies: ["MetricLearning"], resources: [.copy("Resources/digits.csv")]),
        .executableTarget(name: "metric-bench", dependencies: ["MetricLearning", "TensorCore"]),
        // Seeded fuzzing of every enrolled type with hostile inputs (counts defects, exits non-zero on any).
        .executableTarget(name: "metric-fuzz", dependencies: ["MetricLearning", "MetricLearningRegistry"]),
        // The public contract, built exactly as a consumer writes it (plain `import MetricLearning`).
        .executableTarget(name: "contract-check", dependencies: ["MetricLearning"], path: "Tests/ContractCheck"),
        .testTarget(
            name: "MetricLearningTests",
            dependencies: ["MetricLearning", "MetricLearningTesting", "MetricLearningRegistry", "TensorCore", "MetricLosses", "MetricTraining", "MetricEvaluation"],
            resources: [.copy("Fixtures")]),
        // Tests that run the built executables (the demo, the consumer contract) as processes.
        .testTarget(name: "ExecutableTests", dependencies: ["contract-check", "metric-learning"]),
    ]
)
