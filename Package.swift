// swift-tools-version:6.0
// Strata: layer analysis for memory-efficient class-incremental learning.
// Targets and their dependency direction follow ../shared/DESIGN.md: each target depends only on
// targets above it in this file, and only the wrapper targets (HDF5, DNNL, BLAS) import C.
import PackageDescription

let package = Package(
  name: "Strata",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "strata", targets: ["strata"]),
    .library(name: "StrataCommands", targets: ["StrataCommands"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    // C libraries. Each module's shim.h carries what Swift cannot import (function-like macros).
    .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                   providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                   providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                   providers: [.apt(["libturbojpeg0-dev"])]),
    .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng16",
                   providers: [.apt(["libpng-dev"])]),

    // Thin Swift layers over the C libraries: the only Swift code that calls them.
    .target(name: "HDF5", dependencies: ["CHDF5"]),
    .target(name: "DNNL", dependencies: ["CDNNL"]),
    .target(name: "BLAS", dependencies: ["CBLAS"]),

    // What several targets need and no target owns: the seeded generator (SplitMix64), median,
    // JSON parse diagnostics. A leaf: it imports only Foundation.
    .target(name: "Common"),

    // Tensors and the op set (forward + backward) on oneDNN. Its Float64 reference of every op is
    // a test oracle: TensorReference, a target only tests depend on.
    .target(name: "Tensor", dependencies: ["DNNL"]),
    // Modules, parameters, layers, ResNets and the block registry, SGD and its schedules.
    .target(name: "NN", dependencies: ["Common", "DNNL", "Tensor"]),

    // Data sets on disk, class order, task streams, augmentation, batching. Plain buffers in and
    // out, so it does not depend on the engine; it decodes files through zlib/TurboJPEG/libpng.
    .target(name: "Data", dependencies: ["Common", "CZlib", "CTurboJPEG", "CPNG"]),

    // Class-incremental learners, exemplar memory, evaluation, the memory ledger.
    .target(name: "CIL", dependencies: ["Tensor", "NN", "Data"]),

    // Strata's own C: numerical kernels compiled for AVX-512, AVX2 and baseline x86-64 and
    // chosen at run time (Swift code is built for baseline x86-64, without FMA). Only Probes
    // calls it, for the Float64 Gram matrices of CKA.
    .target(name: "CKernels"),

    // Gradient norms, parameter shift, CKA: observers that compute and write nothing.
    .target(name: "Probes", dependencies: ["NN", "CKernels"]),

    // The HDF5 schema: writing and reading probe, split and verification files.
    .target(name: "Recording", dependencies: ["HDF5", "CIL", "Probes"]),

    // Split derivation from the probes and the verification plan.
    .target(name: "Analysis", dependencies: ["Common", "Data", "NN", "CIL", "Recording"]),

    // HTML and Markdown reports with SVG charts, CSV export. Above Pipeline (not beside the
    // commands) because the report is the pipeline's last stage: Reports only presents files,
    // so it imports nothing of Pipeline and the imports keep one direction.
    .target(name: "Reports", dependencies: ["Recording", "Analysis"]),

    // The stages as typed functions over files (probe, split, plan the verification, verify,
    // merge, report), the sweep executors (local processes, Slurm) and provenance.
    .target(name: "Pipeline", dependencies: [
      "HDF5", "DNNL", "Tensor", "Data", "NN", "CIL", "Probes", "Recording", "Analysis", "Reports",
    ]),

    // The command-line commands: parse options, call one Pipeline function, print. `strata` is
    // only an @main that calls them.
    .target(name: "StrataCommands", dependencies: [
      "HDF5", "DNNL", "BLAS", "Data", "NN", "CIL", "Probes", "Recording", "Analysis", "Reports",
      "Pipeline", "CKernels", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .executableTarget(name: "strata", dependencies: ["StrataCommands"]),

    .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "StrataTestSupport"], exclude: ["Oracles"]),
    .testTarget(name: "DNNLTests", dependencies: ["DNNL"]),
    .testTarget(name: "DataTests", dependencies: ["Data", "StrataTestSupport"]),
    .testTarget(name: "CILTests", dependencies: ["CIL", "StrataTestSupport"]),
    // The Float64 reference of every op (plain loops, no engine): the tests' oracle.
    .target(name: "TensorReference", dependencies: ["Tensor"], path: "Tests/TensorReference"),
    // Fixtures shared by the test targets (seeded random tensors, a tiny CIL run); only tests use it.
    .target(name: "StrataTestSupport", dependencies: ["Common", "Tensor", "TensorReference", "CIL"],
            path: "Tests/StrataTestSupport"),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TensorReference", "StrataTestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "TensorReference", "StrataTestSupport"], exclude: ["Oracles", "Golden"]),
    .testTarget(name: "ProbesTests", dependencies: ["Probes", "CKernels", "StrataTestSupport"], exclude: ["Oracles"]),
    // The probe session (Pipeline's ProbeRecorder) is tested here, beside the files it fills.
    .testTarget(name: "RecordingTests", dependencies: ["Recording", "Pipeline", "Analysis",
                                                   "StrataTestSupport"],
                exclude: ["Oracles", "Golden"]),
    .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Recording", "CIL", "NN", "Probes",
                                                   "StrataTestSupport"],
                exclude: ["Oracles", "Golden"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Recording", "CIL"],
                exclude: ["Oracles", "Fixtures"]),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Analysis", "Recording", "CIL",
                                                 "NN", "Probes", "StrataTestSupport"]),
    .testTarget(name: "StrataCommandsTests", dependencies: ["StrataCommands", "Pipeline",
                                                       "StrataTestSupport"],
                exclude: ["Oracles"]),
  ]
)
