// swift-tools-version:6.0
import PackageDescription

let linkMath: [LinkerSetting] = [.linkedLibrary("m", .when(platforms: [.linux]))]

let package = Package(
    name: "MetricLearning",
    products: [
        .library(name: "MetricLearning", targets: ["MetricLearning"]),
        .executable(name: "metric-learning", targets: ["metric-learning"]),
        .executable(name: "metric-bench", targets: ["metric-bench"]),
    ],
    targets: [
        .target(name: "MetricLearning", linkerSettings: linkMath),
        .executableTarget(name: "metric-learning", dependencies: ["MetricLearning"], resources: [.copy("Resources/digits.csv")]),
        .executableTarget(name: "metric-bench", dependencies: ["MetricLearning"]),
        // The public contract, built exactly as a consumer writes it (plain `import MetricLearning`).
        .executableTarget(name: "contract-check", dependencies: ["MetricLearning"], path: "Tests/ContractCheck"),
        .testTarget(
            name: "MetricLearningTests",
            dependencies: ["MetricLearning", "contract-check", "metric-learning"],
            resources: [.copy("Fixtures")]),
    ]
)
