import TensorCore

/// Where a minimisation ended.
struct SolverResult {
    var theta: [Double]
    var value: Double
    var gradientMaximum: Double
    var iterations: Int
    var converged: Bool
}

/// Newton's method and L-BFGS for the smooth convex logistic objective, both stopping when the
/// largest gradient component is at most `tolerance`.
///
/// Near the optimum the objective's decrease falls below Double rounding before the gradient
/// reaches a tight tolerance, so a step is also accepted when its decrease is lost in rounding but
/// the gradient shrinks: that is what lets both methods reach 1e-10 instead of stalling at 1e-8.
enum ConvexSolvers {
    static func maximumMagnitude(_ values: [Double]) -> Double { values.reduce(0) { max($0, abs($1)) } }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for k in a.indices { sum += a[k] * b[k] }
        return sum
    }

    /// Backtracking (Armijo) along `direction` from `theta`; nil when no acceptable step exists.
    static func lineSearch(_ objective: LogisticObjective, theta: [Double], value: Double, gradient: [Double],
                           direction: [Double]) -> (theta: [Double], value: Double, gradient: [Double], probabilities: [Double])? {
        let slope = dot(direction, gradient)
        guard slope < 0 else { return nil }
        let gradientSize = maximumMagnitude(gradient)
        var step = 1.0
        for _ in 0..<60 {
            let candidate = zip(theta, direction).map { $0 + step * $1 }
            let (candidateValue, candidateGradient, probabilities) = objective.evaluate(candidate)
            let roundingLevel = 1e-14 * max(1, abs(value))
            if candidateValue <= value + 1e-4 * step * slope
                || (candidateValue <= value + roundingLevel && maximumMagnitude(candidateGradient) < gradientSize) {
                return (candidate, candidateValue, candidateGradient, probabilities)
            }
            step *= 0.5
        }
        return nil
    }

    /// Newton's method with a Cholesky solve of the exact Hessian: quadratic convergence, for
    /// problems whose Hessian is small enough to form. `unidentified` lists parameters the
    /// objective does not determine (multinomial intercepts up to a shared constant); they get a
    /// tiny diagonal so the Hessian is invertible, which leaves steps orthogonal to that direction.
    static func newton(_ objective: LogisticObjective, start: [Double], tolerance: Double, maximumIterations: Int,
                       unidentified: [Int]) -> SolverResult {
        var theta = start
        var (value, gradient, probabilities) = objective.evaluate(theta)
        var iterations = 0
        let d = objective.parameterCount
        while iterations < maximumIterations {
            if maximumMagnitude(gradient) <= tolerance {
                return SolverResult(theta: theta, value: value, gradientMaximum: maximumMagnitude(gradient), iterations: iterations, converged: true)
            }
            iterations += 1
            var hessian = objective.hessian(probabilities: probabilities)
            var largestDiagonal = 0.0
            for j in 0..<d { largestDiagonal = max(largestDiagonal, hessian[j * d + j]) }
            for j in unidentified { hessian[j * d + j] += 1e-12 * max(1, largestDiagonal) }
            guard let step = try? LAPACK.solvePositiveDefinite(hessian, dimension: d, rightHandSide: gradient) else {
                // Not numerically positive definite (e.g. no penalty on separable data): L-BFGS goes on.
                var rest = lbfgs(objective, start: theta, tolerance: tolerance, maximumIterations: maximumIterations - iterations)
                rest.iterations += iterations
                return rest
            }
            guard let next = lineSearch(objective, theta: theta, value: value, gradient: gradient, direction: step.map { -$0 }) else { break }
            (theta, value, gradient, probabilities) = next
        }
        let size = maximumMagnitude(gradient)
        return SolverResult(theta: theta, value: value, gradientMaximum: size, iterations: iterations, converged: size <= tolerance)
    }

    /// Limited-memory BFGS (two-loop recursion, `memory` pairs) with backtracking: for problems
    /// whose Hessian is too large to form.
    static func lbfgs(_ objective: LogisticObjective, start: [Double], tolerance: Double, maximumIterations: Int,
                      memory: Int = 20) -> SolverResult {
        var theta = start
        var (value, gradient, _) = objective.evaluate(theta)
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var iterations = 0
        while iterations < maximumIterations {
            if maximumMagnitude(gradient) <= tolerance { break }
            iterations += 1
            var q = gradient
            var alphas: [Double] = []
            for pair in history.reversed() {
                let a = pair.rho * dot(pair.s, q)
                alphas.append(a)
                for k in q.indices { q[k] -= a * pair.y[k] }
            }
            if let last = history.last {
                let scale = dot(last.s, last.y) / dot(last.y, last.y)
                for k in q.indices { q[k] *= scale }
            } else {
                // First step: a unit-length move along the gradient.
                let norm = dot(gradient, gradient).squareRoot()
                for k in q.indices { q[k] /= max(norm, 1e-300) }
            }
            for (pair, a) in zip(history, alphas.reversed()) {
                let b = pair.rho * dot(pair.y, q)
                for k in q.indices { q[k] += pair.s[k] * (a - b) }
            }
            var next = lineSearch(objective, theta: theta, value: value, gradient: gradient, direction: q.map { -$0 })
            if next == nil && !history.isEmpty {
                // A stale curvature history can give a poor direction: restart along the gradient.
                history.removeAll()
                let norm = dot(gradient, gradient).squareRoot()
                next = lineSearch(objective, theta: theta, value: value, gradient: gradient, direction: gradient.map { -$0 / max(norm, 1e-300) })
            }
            guard let accepted = next else { break }
            let s = zip(accepted.theta, theta).map { $0 - $1 }
            let y = zip(accepted.gradient, gradient).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-300 {
                history.append((s, y, 1 / sy))
                if history.count > memory { history.removeFirst() }
            }
            (theta, value, gradient) = (accepted.theta, accepted.value, accepted.gradient)
        }
        let size = maximumMagnitude(gradient)
        return SolverResult(theta: theta, value: value, gradientMaximum: size, iterations: iterations, converged: size <= tolerance)
    }
}
