// swift-tools-version:6.0
// libFuzzer harnesses for Strata's readers of untrusted input (issue 11). Not part of the main
// build: scripts/fuzz builds them with -sanitize=fuzzer,address and runs each for a set time.
import PackageDescription

let package = Package(
  name: "StrataFuzz",
  dependencies: [.package(name: "Strata", path: "../..")],
  targets: [.target(name: "FuzzSupport")] + ["FuzzIDX", "FuzzCIFAR", "FuzzPickle", "FuzzSpecs", "FuzzPNG", "FuzzJPEG"].map {
    .executableTarget(name: $0, dependencies: [
      "FuzzSupport", .product(name: "StrataCommands", package: "Strata"),
    ])
  }
)
