// swift-tools-version: 6.0
// A tiny program using Atelier as a library: train a shallow net on part of MNIST,
// cluster the test images and save a figure. Build it with `swift run` in this folder.
import PackageDescription

let package = Package(
    name: "DigitsQuickLook",
    dependencies: [
        // From another repository use: .package(url: "https://github.com/OWNER/atelier", branch: "main")
        .package(name: "Atelier", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "DigitsQuickLook", dependencies: [
            .product(name: "Atelier", package: "Atelier"),
        ]),
    ]
)
