import ArgumentParser
import Datasets
import Foundation

/// `atelier data make NAME`: the seeded toy data sets of the basics path as CSV files.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate small seeded data sets (moons, circles, blobs, checkerboard, ...) as CSV.",
        subcommands: [Make.self]
    )

    struct Make: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a seeded toy data set as CSV: columns x1, x2, ..., then label (or target for linear).",
            discussion: """
            The generators follow scikit-learn's make_regression, make_blobs, make_circles and make_moons (same \
            parameters and meaning of noise and factor, not the same random numbers); four-gaussians, checkerboard and \
            spirals are the course classics with no scikit-learn counterpart. Every draw comes from --seed, so the same \
            command writes the same file on every machine.

            Names:
            \(Toy.catalog.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

            Examples:
              atelier data make moons --n 400 --noise 0.2 --seed 0 --out moons.csv
              atelier data make linear --n 100 --noise 10 --out line.csv
              atelier fit --input moons.csv --target label --model mlp --hidden 16,16 \\
                  --plot moons.png
            """
        )

        @Argument(help: "The generator: \(Toy.names.joined(separator: ", ")).")
        var name: String

        @Option(name: .customLong("n"), parsing: .unconditional, help: "Number of rows.")
        var samples: Int = 200

        @Option(parsing: .unconditional, help: "Noise (see the names above for what it means per generator; default: the generator's).")
        var noise: Double?

        @Option(help: "Seed of every random draw.")
        var seed: UInt64 = 0

        @Option(help: "The CSV file to write.")
        var out: String

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        struct Report: Encodable {
            var name: String
            var samples: Int
            var features: Int
            var classes: Int?
            var columns: [String]
            var noise: Double
            var seed: UInt64
            var coefficients: [Double]?
            var files: [String]
        }

        func run() throws {
            guard Toy.names.contains(name) else {
                throw UsageFailure("unknown data set '\(name)'; expected one of \(Toy.names.joined(separator: ", "))")
            }
            guard samples >= 4 else { throw UsageFailure("--n must be at least 4, got \(samples)") }
            if let noise, !(noise >= 0 && noise.isFinite) { throw UsageFailure("--noise must be a finite number >= 0, got \(noise)") }
            try OutputCheck.file(out, flag: "--out", extensions: ["csv"])
            let data = try Toy.make(name, samples: samples, noise: noise, seed: seed)
            let table = data.table
            try CSV.write(table, to: out)
            let report = Report(name: name, samples: data.sampleCount, features: data.featureCount,
                                classes: data.labels == nil ? nil : data.classCount, columns: table.columnNames, noise: noise ?? Toy.defaultNoise(name),
                                seed: seed, coefficients: data.coefficients, files: [out])
            if json { try Output.json(report); return }
            let kind = data.labels == nil ? "a continuous target" : "\(data.classCount) classes"
            print("wrote \(out): \(data.sampleCount) rows, columns \(table.columnNames.joined(separator: ",")) (\(kind), seed \(seed))")
        }
    }
}
