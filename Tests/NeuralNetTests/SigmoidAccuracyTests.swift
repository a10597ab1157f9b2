import Foundation
import NeuralNet
import TensorCore
import Testing

/// `Sigmoid.forward` evaluates eight lanes at a time with its own `exp` polynomial: check it
/// against the logistic computed in Double by the C library, over the whole useful range.
@Suite("Sigmoid forward accuracy")
struct SigmoidAccuracyTests {
    @Test func matchesDoublePrecisionLogisticEverywhere() {
        // 40,003 values (not a multiple of 8, so the scalar tail runs too) from -100 to 100,
        // plus values around 0 and beyond exp's float range.
        var values = (0..<40_003).map { Float(-100 + 200 * Double($0) / 40_002) }
        values += [0, -0, 1e-8, -1e-8, 0.5, -0.5, 87.5, -87.5, 88.8, -88.8, 1e4, -1e4]
        let output = Sigmoid().forward(Tensor(shape: [values.count], elements: values), training: false)
        var worstRelative = 0.0
        for (x, y) in zip(values, output.elements) {
            let exact = 1 / (1 + Foundation.exp(-Double(x)))
            #expect(y >= 0 && y <= 1, "sigmoid(\(x)) = \(y)")
            // Below ~1e-37 the float result is dominated by the clamp; compare absolutely there.
            if exact > 1e-30 {
                worstRelative = max(worstRelative, abs(Double(y) - exact) / exact)
            } else {
                #expect(Double(y) < 1e-30, "sigmoid(\(x)) = \(y), expected ~\(exact)")
            }
        }
        #expect(worstRelative < 1e-6, "worst relative error \(worstRelative)")
        // Hand-worked values: σ(0) = 1/2, σ(ln 3) = 3/4, σ(-ln 3) = 1/4.
        let exactPoints = Sigmoid().forward(Tensor(shape: [11], elements: [0, Float(log(3.0)), -Float(log(3.0))] + [Float](repeating: 0, count: 8)), training: false)
        #expect(exactPoints.elements[0] == 0.5)
        #expect(abs(exactPoints.elements[1] - 0.75) < 1e-6)
        #expect(abs(exactPoints.elements[2] - 0.25) < 1e-6)
    }
}
