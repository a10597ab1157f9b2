import Clustering
import Datasets
import Embedding
import Foundation
import TensorCore

/// Analysis benchmarks (issue 5): k-means, silhouette, PCA and t-SNE on MNIST scaled to [0, 1],
/// the same tasks as `Benchmarks/python/sklearn_reference.py`. Labels of the 10k k-means run
/// are written to `$ATELIER_BENCH_OUT` (default /tmp/atelier-analysis) so that the reference
/// script can score the very same labelling with scikit-learn's silhouette.
extension BenchmarkRegistry {
    static let analysis: [Benchmark] = [
        Benchmark(name: "kmeans-10k") {
            let (data, _) = AnalysisData.test()
            var result: KMeansResult?
            let time = medianWallAndCPU(repetitions: 3) { result = try! KMeans(clusterCount: 10, seed: 0, showsProgress: false).fit(data) }
            report("k-means k=10 n_init=1, 10k", time.wall, "s", String(format: "cpu %.2f s; inertia %.0f, %d iterations", time.cpu, result!.inertia, result!.iterations))
            AnalysisData.write(result!.labels, name: "kmeans10k-labels.txt")
        },
        Benchmark(name: "kmeans-70k") {
            let (data, _) = AnalysisData.all()
            var result: KMeansResult?
            let time = wallAndCPU { result = try! KMeans(clusterCount: 10, seed: 0, showsProgress: false).fit(data) }
            report("k-means k=10 n_init=1, 70k", time.wall, "s", String(format: "cpu %.2f s; inertia %.0f, %d iterations", time.cpu, result!.inertia, result!.iterations))
            AnalysisData.write(result!.labels, name: "kmeans70k-labels.txt")
        },
        Benchmark(name: "kmeans-10k-lloyd") { AnalysisData.kmeans(tenThousand: true, seeds: [0], algorithm: .lloyd) },
        Benchmark(name: "kmeans-70k-lloyd") { AnalysisData.kmeans(tenThousand: false, seeds: [0], algorithm: .lloyd) },
        // Seeds 0...4 (scikit-learn: random_state 0...4): the iteration count follows the optimum
        // each seeding leads to, so one seed says little about speed.
        Benchmark(name: "kmeans-10k-seeds") { AnalysisData.kmeans(tenThousand: true, seeds: Array(0..<5), algorithm: .elkan) },
        Benchmark(name: "kmeans-70k-seeds") { AnalysisData.kmeans(tenThousand: false, seeds: Array(0..<5), algorithm: .elkan) },
        // The k-means++ seed points of seeds 0...4 (indices, one per line) with Atelier's iterations
        // and inertia from them, written to $ATELIER_BENCH_OUT for `sklearn_reference.py
        // kmeans-same-init`, which runs scikit-learn's Lloyd from the very same centres.
        Benchmark(name: "kmeans-export-init") {
            for (size, data) in [("10k", AnalysisData.test().0), ("70k", AnalysisData.all().0)] {
                let summary = try! DataSummary(data)
                precondition(summary.isNearlyCentered, "MNIST is clustered without centring")
                for seed: UInt64 in 0..<5 {
                    var generator = RandomGenerator(seed: seed)
                    let indices = try! data.withUnsafeBufferPointer {
                        try KMeansPlusPlus.chooseCenters($0, rows: data.rowCount, columns: data.rowLength, norms: summary.rowNorms,
                                                         clusterCount: 10, generator: &generator)
                    }
                    let result = try! KMeans(clusterCount: 10, seed: seed, showsProgress: false).fit(data)
                    AnalysisData.write(indices, name: "kmeans\(size)-seed\(seed)-init.txt")
                    report("k-means \(size) seed \(seed): seeding exported", result.inertia, "inertia", "\(result.iterations) iterations")
                }
            }
        },
        Benchmark(name: "kmeans-70k-seeds-lloyd") { AnalysisData.kmeans(tenThousand: false, seeds: Array(0..<5), algorithm: .lloyd) },
        // The fixed costs of one fit of 70k (the iterations are the rest), and the per-iteration
        // progress of Hamerly's bounds on stderr.
        Benchmark(name: "kmeans-70k-parts") {
            let (data, _) = AnalysisData.all()
            var summary: DataSummary?
            report("k-means part: one-pass summary 70k (finite, statistics, row norms)", medianSeconds(repetitions: 3) { summary = try! DataSummary(data) }, "s")
            report("k-means part: centred copy 70k (skipped for MNIST)", medianSeconds(repetitions: 3) { _ = Centering.subtracting(summary!.means, from: data) }, "s")
            let centered = data, norms = summary!.rowNorms
            report("k-means part: greedy k-means++ 70k, k=10", medianSeconds(repetitions: 3) {
                var generator = RandomGenerator(seed: 0)
                _ = try! centered.withUnsafeBufferPointer {
                    try KMeansPlusPlus.chooseCenters($0, rows: 70_000, columns: 784, norms: norms, clusterCount: 10, generator: &generator)
                }
            }, "s")
            _ = try! KMeans(clusterCount: 10, seed: 0, showsProgress: true).fit(data)
        },
        Benchmark(name: "kmeans-70k-ninit10") {
            let (data, _) = AnalysisData.all()
            var result: KMeansResult?
            let time = wallAndCPU { result = try! KMeans(clusterCount: 10, initializationCount: 10, seed: 0, showsProgress: false).fit(data) }
            report("k-means k=10 n_init=10, 70k", time.wall, "s", String(format: "cpu %.2f s; inertia %.0f", time.cpu, result!.inertia))
        },
        Benchmark(name: "silhouette-10k") {
            let (data, _) = AnalysisData.test()
            let labels = try! KMeans(clusterCount: 10, seed: 0, showsProgress: false).fit(data).labels
            var score = 0.0
            let time = medianWallAndCPU(repetitions: 3) { score = try! Silhouette.score(data, labels: labels) }
            report("silhouette score, 10k, k-means labels", time.wall, "s", String(format: "cpu %.2f s; score %.6f", time.cpu, score))
        },
        Benchmark(name: "silhouette-70k") {
            let (data, _) = AnalysisData.all()
            let labels = try! KMeans(clusterCount: 10, seed: 0, showsProgress: false).fit(data).labels
            var score = 0.0
            let time = wallAndCPU { score = try! Silhouette.score(data, labels: labels) }
            report("silhouette (mean of samples), 70k", time.wall, "s", String(format: "cpu %.2f s; score %.6f", time.cpu, score))
        },
        Benchmark(name: "pca-70k") {
            let (data, _) = AnalysisData.all()
            var pca: FittedPCA?
            let fitTime = medianWallAndCPU(repetitions: 5) { pca = try! PCA(componentCount: 50).fit(data) }
            let transformTime = medianWallAndCPU(repetitions: 5) { _ = try! pca!.transform(data) }
            report("PCA to 50 dims, 70k (fit)", fitTime.wall, "s",
                   String(format: "cpu %.2f s; explained variance %.4f", fitTime.cpu, pca!.explainedVarianceRatio.reduce(0, +)))
            report("PCA to 50 dims, 70k (fit + transform)", fitTime.wall + transformTime.wall, "s",
                   String(format: "cpu %.2f s", fitTime.cpu + transformTime.cpu))
        },
        // Fits with a 0.3 s pause before each: OpenBLAS's idle threads spin (sched_yield) for a
        // while after a threaded call and then compete with the fit's own worker threads.
        Benchmark(name: "pca-70k-paused") {
            let (data, _) = AnalysisData.all()
            var times: [Double] = []
            for _ in 0..<5 {
                usleep(300_000)
                times.append(seconds { _ = try! PCA(componentCount: 50).fit(data) })
            }
            report("PCA to 50 dims, 70k (fit, 0.3 s pause before each)", times.sorted()[2], "s")
        },
        Benchmark(name: "pca-parts") {
            let (data, _) = AnalysisData.all()
            report("PCA part: one-pass summary 70k", medianSeconds(repetitions: 3) { _ = try! DataSummary(data) }, "s")
            for chunkRows in [256, 384, 512, 768, 1024] {
                for imageWidth in [nil, 28] as [Int?] {
                    report("PCA part: span Gram 768 x 70k (SpanGram), chunks of \(chunkRows), "
                           + (imageWidth == nil ? "by first non-zero" : "by bounding box"), medianSeconds(repetitions: 3) {
                        _ = data.withUnsafeBufferPointer {
                            SpanGram.gram($0, rows: 70_000, columns: 784, first: 12, width: 768, imageWidth: imageWidth, chunkRows: chunkRows)
                        }
                    }, "s")
                }
            }
            var centered = data
            report("PCA part: centring 70k x 784", medianSeconds(repetitions: 3) { centered = Centering.centered(data).0 }, "s")
            var gram = [Float](repeating: 0, count: 784 * 784)
            report("PCA part: ssyrk 784 x 70k (one thread)", medianSeconds(repetitions: 3) {
                centered.withUnsafeBufferPointer { x in gram.withUnsafeMutableBufferPointer { g in
                    BLAS.syrkTransposed(n: 784, k: 70_000, a: x.baseAddress!, leadingA: 784, c: g.baseAddress!, leadingC: 784)
                } }
            }, "s")
            // The same update split by rows over two single-threaded calls, by hand and through
            // BLAS.splitSyrkTransposed, alternating so that both see the same load.
            var gramA = [Float](repeating: 0, count: 784 * 784), gramB = gramA
            var threaded: [Double] = [], split: [Double] = []
            for _ in 0..<5 {
                threaded.append(seconds {
                    centered.withUnsafeBufferPointer { x in gram.withUnsafeMutableBufferPointer { g in
                        BLAS.splitSyrkTransposed(n: 784, k: 70_000, a: x.baseAddress!, leadingA: 784, c: g.baseAddress!, leadingC: 784)
                    } }
                })
                split.append(seconds {
                    centered.withUnsafeBufferPointer { x in gramA.withUnsafeMutableBufferPointer { a in gramB.withUnsafeMutableBufferPointer { b in
                        let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                        let targets = [SendablePointer(a.baseAddress!), SendablePointer(b.baseAddress!)]
                        DispatchQueue.concurrentPerform(iterations: 2) { half in
                            BLAS.syrkTransposed(n: 784, k: 35_000, a: source.base + half * 35_000 * 784, leadingA: 784,
                                                c: targets[half].base, leadingC: 784)
                        }
                    } } }
                })
            }
            report("PCA part: BLAS.splitSyrkTransposed (alternating)", threaded.sorted()[2], "s")
            report("PCA part: ssyrk two single-threaded halves", split.sorted()[2], "s")
            var product = Tensor.zeros([784, 784])
            report("PCA part: sgemm Xt X 784 x 70k", medianSeconds(repetitions: 3) {
                Tensor.gemm(centered, transposeA: true, centered, into: &product)
            }, "s")
            // The upper triangle as 4 column blocks of 196: 10 block products (sgemm) instead of 16.
            report("PCA part: blocked upper triangle, 4 blocks = 10 sgemm", medianSeconds(repetitions: 3) {
                centered.withUnsafeBufferPointer { x in gram.withUnsafeMutableBufferPointer { g in
                    for a in 0..<4 { for b in a..<4 {
                        BLAS.gemm(m: 196, n: 196, k: 70_000, a: x.baseAddress! + a * 196, leadingA: 784, transposeA: true,
                                  b: x.baseAddress! + b * 196, leadingB: 784, c: g.baseAddress! + a * 196 * 784 + b * 196, leadingC: 784)
                    } }
                } }
            }, "s")
            var symmetric = [Double](repeating: 0, count: 784 * 784)
            for i in 0..<784 { for j in 0..<784 { symmetric[i * 784 + j] = Double(product[min(i, j), max(i, j)]) / 69_999 } }
            report("PCA part: dsyevd 784, all pairs", medianSeconds(repetitions: 3) { _ = try! LAPACK.symmetricEigen(symmetric, dimension: 784) }, "s")
            report("PCA part: dsyevr 784, top 50 pairs", medianSeconds(repetitions: 3) {
                _ = try! LAPACK.largestSymmetricEigenpairs(symmetric, dimension: 784, count: 50)
            }, "s")
            let symmetric32 = symmetric.map { Float($0) }
            report("PCA part: ssyevr 784, top 50 pairs", medianSeconds(repetitions: 3) {
                _ = try! LAPACK.largestSymmetricEigenpairs(symmetric32, dimension: 784, count: 50)
            }, "s")
            // Precision: the fitted PCA (raw-data covariance, constant columns out, dsyevr) against
            // the reference path (centred copy, full sgemm, full dsyevd) on the same data.
            let (values, vectors) = try! LAPACK.symmetricEigen(symmetric, dimension: 784)
            let fitted = try! PCA(componentCount: 50).fit(data)
            let total = (0..<784).reduce(0.0) { $0 + symmetric[$1 * 784 + $1] }
            var ratioError = 0.0, componentError = 0.0
            for k in 0..<50 {
                let source = 783 - k
                ratioError = max(ratioError, abs(fitted.explainedVarianceRatio[k] - values[source] / total))
                let dot = (0..<784).reduce(0.0) { $0 + Double(fitted.components[k, $1]) * vectors[source * 784 + $1] }
                let sign = dot < 0 ? -1.0 : 1.0
                for c in 0..<784 { componentError = max(componentError, abs(Double(fitted.components[k, c]) - sign * vectors[source * 784 + c])) }
            }
            print(String(format: "PCA check vs centred sgemm + dsyevd: max |ratio difference| %.2e, max |component entry difference| %.2e (50 components)",
                         ratioError, componentError))
        },
        Benchmark(name: "tsne-10k") { AnalysisData.tsne(limit: 10_000, methods: [.barnesHut, .fft]) },
        Benchmark(name: "tsne-10k-bh") { AnalysisData.tsne(limit: 10_000, methods: [.barnesHut]) },
        Benchmark(name: "tsne-10k-fft") { AnalysisData.tsne(limit: 10_000, methods: [.fft]) },
        Benchmark(name: "tsne-70k") { AnalysisData.tsne(limit: nil, methods: [.fft]) },
    ]
}

/// Process CPU seconds (user + system, all threads) so far: on a machine shared with other jobs
/// the wall time depends on the load, the CPU time much less; wall ~ CPU / 2 when idle for work
/// that keeps both cores busy.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Wall and CPU seconds of one run of `body`.
func wallAndCPU(_ body: () -> Void) -> (wall: Double, cpu: Double) {
    let cpuStart = processCPUSeconds()
    let wall = seconds(body)
    return (wall, processCPUSeconds() - cpuStart)
}

/// The run with the median wall time among `repetitions` (after one warm-up).
func medianWallAndCPU(repetitions: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    let runs = (0..<repetitions).map { _ in wallAndCPU(body) }.sorted { $0.wall < $1.wall }
    return runs[runs.count / 2]
}

/// MNIST loading for the analysis benchmarks.
enum AnalysisData {
    /// The 10k test images and labels.
    static func test() -> (Tensor, [Int]) {
        let set = try! Dataset.mnist(.test)
        return (set.images(), set.labels)
    }

    /// All 70k images: train then test (the order of OpenML's mnist_784).
    static func all() -> (Tensor, [Int]) {
        let train = try! Dataset.mnist(.train), test = try! Dataset.mnist(.test)
        return (Tensor.concatenatingRows([train.images(), test.images()]), train.labels + test.labels)
    }

    static var outputDirectory: String {
        ProcessInfo.processInfo.environment["ATELIER_BENCH_OUT"] ?? "/tmp/atelier-analysis"
    }

    static func write(_ labels: [Int], name: String) {
        let path = (outputDirectory as NSString).appendingPathComponent(name)
        try? FileIO.writeAtomically(labels.map(String.init).joined(separator: "\n") + "\n", to: path)
    }

    /// k-means (k = 10, n_init = 1) of the 10k test images or all 70k, one line per seed (wall of
    /// one fit; 10k: median of 3) and the median and range over the seeds.
    static func kmeans(tenThousand: Bool, seeds: [UInt64], algorithm: KMeans.Algorithm) {
        let data = tenThousand ? test().0 : all().0
        let size = tenThousand ? "10k" : "70k"
        var walls: [Double] = [], iterations: [Int] = [], inertias: [Double] = []
        for seed in seeds {
            var result: KMeansResult?
            let fit = { result = try! KMeans(clusterCount: 10, seed: seed, showsProgress: false, algorithm: algorithm).fit(data) }
            let time = tenThousand ? medianWallAndCPU(repetitions: 3, fit) : wallAndCPU(fit)
            walls.append(time.wall); iterations.append(result!.iterations); inertias.append(result!.inertia)
            report("k-means \(algorithm.rawValue) k=10 n_init=1, \(size), seed \(seed)", time.wall, "s",
                   String(format: "cpu %.2f s; inertia %.0f, %d iterations", time.cpu, result!.inertia, result!.iterations))
        }
        guard seeds.count > 1 else { return }
        func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
        report("k-means \(algorithm.rawValue) \(size), median over seeds \(seeds.first!)...\(seeds.last!)", median(walls), "s",
               String(format: "range %.3f-%.3f s; iterations median %d (%d-%d); inertia median %.0f (%.0f-%.0f)",
                      walls.min()!, walls.max()!, median(iterations), iterations.min()!, iterations.max()!,
                      median(inertias), inertias.min()!, inertias.max()!))
    }

    /// PCA 50 then t-SNE (perplexity 30, seed 0, PCA initialisation) on the first `limit`
    /// test images (10k) or on all 70k.
    static func tsne(limit: Int?, methods: [TSNE.Method]) {
        let (data, labels): (Tensor, [Int])
        if let limit {
            let (images, all) = test()
            (data, labels) = (images.rows(0..<min(limit, images.rowCount)), Array(all.prefix(limit)))
        } else {
            (data, labels) = all()
        }
        let n = data.rowCount
        var reduced = data
        let pcaTime = wallAndCPU { reduced = try! PCA(componentCount: 50).fitTransform(data).1 }
        for method in methods {
            var result: TSNEResult?
            let time = wallAndCPU { result = try! TSNE(perplexity: 30, method: method, seed: 0, showsProgress: false).fit(reduced) }
            var accuracy = 0.0
            let accuracyTime = seconds { accuracy = try! NeighborAccuracy.score(result!.embedding, labels: labels, neighborCount: 10) }
            report("t-SNE \(method.rawValue), \(n / 1000)k after PCA 50", pcaTime.wall + time.wall, "s",
                   String(format: "cpu %.1f s; KL %.4f, 10-NN accuracy %.4f (PCA %.2f s, kNN accuracy %.1f s)",
                          pcaTime.cpu + time.cpu, result!.klDivergence, accuracy, pcaTime.wall, accuracyTime))
            let rows = (0..<n).map { i in
                String(format: "%.5f,%.5f,%d", result!.embedding[i, 0], result!.embedding[i, 1], labels[i])
            }
            try? FileIO.writeAtomically("x,y,label\n" + rows.joined(separator: "\n") + "\n",
                                        to: (outputDirectory as NSString).appendingPathComponent("tsne-\(n)-\(method.rawValue).csv"))
        }
    }
}
