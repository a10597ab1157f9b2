import Foundation

// atelier-bench: release-build benchmarks whose medians go into BENCHMARKS.md.
// Usage: swift run -c release -Xswiftc -target-cpu -Xswiftc haswell atelier-bench [NAME ...]
let arguments = Array(CommandLine.arguments.dropFirst())
// The worker processes `study-workers` spawns (not a benchmark of its own).
if arguments.first == "study-worker" { runStudyWorker(Array(arguments.dropFirst())) }
let selected = arguments.isEmpty ? BenchmarkRegistry.all.map(\.name) : arguments
for name in selected {
    guard let benchmark = BenchmarkRegistry.all.first(where: { $0.name == name }) else {
        FileHandle.standardError.write(Data("unknown benchmark '\(name)'; known: \(BenchmarkRegistry.all.map(\.name).joined(separator: ", "))\n".utf8))
        exit(64)
    }
    benchmark.run()
}
