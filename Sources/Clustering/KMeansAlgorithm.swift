extension KMeans {
    /// How the iterations find each point's nearest centre. Both give Lloyd's iterations: the
    /// same labels, centres, iteration count and inertia from the same seeding (see
    /// `DistanceBounds` for the one caveat, ties within Float32 rounding).
    public enum Algorithm: String, Sendable, CaseIterable, Codable {
        /// Every point against every centre in every iteration (scikit-learn's `"lloyd"`):
        /// O(n k d) per iteration.
        case lloyd
        /// Lloyd's iterations accelerated with Elkan's per-centre distance bounds (and Hamerly's
        /// test in front): points that provably keep their centre are skipped, the others go
        /// through the same BLAS distances, and the cluster sums are updated from the points that
        /// moved only (`DistanceBounds`). The default; scikit-learn's `"elkan"` has the same aim.
        /// Memory: k + 1 Doubles per point.
        case elkan
    }
}
