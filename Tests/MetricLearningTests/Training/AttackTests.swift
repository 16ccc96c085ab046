import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

@Suite("Adversarial attacks")
struct AttackTests {
    static let w = try! Tensor<Double>(shape: [2, 3], scalars: [1, -2, 0.5, -0.1, 3, -1])
    static func linear(_ x: Variable<Double>) -> Variable<Double> { (x * Variable(w)).sum() }

    @Test func fgsmStepsByEpsilonAlongTheGradientSign() throws {
        let x = try Tensor<Double>(shape: [2, 3], scalars: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
        let out = try AdversarialAttack<Double>(method: .fgsm, epsilon: 0.1).perturb(x, objective: Self.linear)
        expectClose(out.scalars, [0.6, 0.4, 0.6, 0.4, 0.6, 0.4], atol: 1e-15)
        let clipped = try AdversarialAttack<Double>(method: .fgsm, epsilon: 0.7, inputRange: 0...1).perturb(x, objective: Self.linear)
        #expect(clipped.scalars == [1, 0, 1, 0, 1, 0])
    }

    @Test(arguments: [AdversarialAttack<Double>.Method.bim, .pgd])
    func iterativeAttacksStayInTheBallAndRaiseTheObjective(method: AdversarialAttack<Double>.Method) throws {
        let x: Tensor<Double> = randomMatrix(8, 3, seed: 2)
        let labels = [0, 0, 1, 1, 2, 2, 0, 1]
        let objective = { (v: Variable<Double>) throws -> Variable<Double> in try TripletMarginLoss<Double>(margin: 0.5)(v, labels: labels) }
        let attack = AdversarialAttack<Double>(method: method, epsilon: 0.2, stepSize: 0.05, iterations: 8, seed: 4)
        let out = try attack.perturb(x, objective: objective)
        #expect(zip(out.scalars, x.scalars).allSatisfy { Swift.abs($0 - $1) <= 0.2 + 1e-12 })
        let before = try objective(Variable(x)).value.scalars[0], after = try objective(Variable(out)).value.scalars[0]
        #expect(after > before, "\(before) → \(after)")
        #expect(try attack.perturb(x, objective: objective) == out)
    }

    @Test func badBudgetsThrow() {
        let x: Tensor<Double> = randomMatrix(2, 3, seed: 2)
        #expect(throws: MetricLearningError.self) { try AdversarialAttack<Double>(method: .fgsm, epsilon: -1).perturb(x, objective: Self.linear) }
        #expect(throws: MetricLearningError.self) { try AdversarialAttack<Double>(method: .bim, epsilon: 1, iterations: 0).perturb(x, objective: Self.linear) }
    }
}
