import Foundation

/// A named benchmark.
struct Benchmark: Sendable {
    let name: String
    let run: @Sendable () -> Void
}

/// Every benchmark, in the order they run. Each area adds its entries in its own file
/// (`static let tensor: [Benchmark]`, ...) and lists them here.
enum BenchmarkRegistry {
    static var all: [Benchmark] { foundation + neuralNet + recipe + analysis + plotting + fraud + convolution + recipeLayers + studies + studiesPruning + studiesStorage + studyFigures }
}

/// Wall-clock seconds of `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Runs `body` `repetitions` times (after one warm-up unless `warmUp` is false) and returns the median seconds.
func medianSeconds(repetitions: Int = 5, warmUp: Bool = true, _ body: () throws -> Void) rethrows -> Double {
    if warmUp { try body() }
    var times: [Double] = []
    for _ in 0..<repetitions { times.append(try seconds(body)) }
    times.sort()
    return times[times.count / 2]
}

/// Prints one result line: `name  value unit  (note)`.
func report(_ name: String, _ value: Double, _ unit: String, _ note: String = "") {
    print(String(format: "%-48@ %10.4f %@ %@", name as NSString, value, unit as NSString, note as NSString))
}
