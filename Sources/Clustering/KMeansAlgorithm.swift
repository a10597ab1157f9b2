extension KMeans {
    /// How the iterations find each point's nearest centre. Both give Lloyd's iterations: the
    /// same labels, centres, iteration count and inertia from the same seeding (see
    /// `HamerlyBounds` for the one caveat, ties within Float32 rounding).
    public enum Algorithm: String, Sendable, CaseIterable, Codable {
        /// Every point against every centre in every iteration (scikit-learn's `"lloyd"`):
        /// O(n k d) per iteration.
        case lloyd
        /// Lloyd's iterations accelerated with Hamerly's (2010) bounds: points that provably
        /// keep their centre are skipped, the others go through the same BLAS distances, and the
        /// cluster sums are updated from the points that moved only. The default, as scikit-learn
        /// offers `"elkan"` for the same purpose; much faster once the centres settle.
        case hamerly
    }
}
