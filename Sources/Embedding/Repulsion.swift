/// The repulsive half of the t-SNE gradient (2-D, Student-t with one degree of freedom).
///
/// With `w_ij = 1 / (1 + |y_i - y_j|^2)` and `Z = sum_{i != j} w_ij`, a method writes the
/// unnormalised forces `F_i = sum_j w_ij^2 (y_i - y_j)` into `forces` (interleaved x, y) and
/// returns its estimate of `Z`. The gradient is then `4 (sum_j p_ij w_ij (y_i - y_j) - F_i / Z)`.
protocol Repulsion {
    mutating func repulsion(positions: UnsafeBufferPointer<Double>, forces: UnsafeMutableBufferPointer<Double>) -> Double
}
