// The one module a consumer imports: `import MetricLearning` gives every layer.
//
// Layers, bottom to top (each a target; the compiler keeps the arrows pointing down):
// - TensorCore: tensors, kernels, reverse-mode autodiff, errors and input validation;
// - MetricLosses: distances, reducers, tuples, metric and classifier losses, miners, and
//   the engines behind their fast paths;
// - MetricTraining and MetricEvaluation: layers, optimizers, data, attacks; retrieval
//   metrics, nearest neighbours, clustering.
@_exported import TensorCore
@_exported import MetricLosses
@_exported import MetricTraining
@_exported import MetricEvaluation
