import DNNL
import StrataTestSupport
import Testing
@testable import Tensor
@testable import TensorReference

/// The ops after the last stage: pooling, the linear classifier, branch concatenation, losses.
@Suite struct HeadEngineTests {
  @Test(arguments: [FormatTag?.none, .nChw8c, .nChw16c])
  func maxPoolingMatchesReference(layout: FormatTag?) throws {
    var random = SeededRandom(seed: 21)
    let x = EngineCheck.float32(random.distinctTensor([2, 16, 7, 7]))
    let yRef = Reference.maxPool2d(x, kernel: 3, stride: 2, padding: 1)
    let dy = random.tensor(yRef.shape)
    let dxRef = Reference.maxPool2dBackward(x, dy: dy, kernel: 3, stride: 2, padding: 1)
    let context = EngineCheck.context
    let pool = MaxPooling(kernel: 3, stride: 2, padding: 1)
    let xt = try EngineCheck.tensor(x, layout: layout)
    let (y, workspace) = try pool.forward(xt, context: context)
    try EngineCheck.expectClose(y, yRef, tolerance: 0, "max pool")
    let dx = try pool.backward(try EngineCheck.tensor(dy), input: xt.descriptor,
                               workspace: workspace, context: context)
    try EngineCheck.expectClose(dx, dxRef, tolerance: 1e-6, "max pool backward")
  }

  @Test(arguments: [FormatTag?.none, .nChw8c, .nChw16c])
  func globalAveragePoolingMatchesReference(layout: FormatTag?) throws {
    var random = SeededRandom(seed: 22)
    let x = random.tensor([3, 16, 4, 5])
    let yRef = Reference.globalAveragePool(x)
    let dy = random.tensor(yRef.shape)
    let context = EngineCheck.context
    let pool = GlobalAveragePooling()
    let xt = try EngineCheck.tensor(x, layout: layout)
    let y = try pool.forward(xt, context: context)
    #expect(y.isPlain && y.shape == [3, 16])
    try EngineCheck.expectClose(y, yRef, tolerance: 1e-6, "global average pool")
    let dx = try pool.backward(try EngineCheck.tensor(dy), input: xt.descriptor, context: context)
    try EngineCheck.expectClose(dx, Reference.globalAveragePoolBackward(dy: dy, inputShape: x.shape),
                                tolerance: 1e-6, "global average pool backward")
  }

  @Test func linearMatchesReference() throws {
    var random = SeededRandom(seed: 23)
    let x = random.tensor([5, 64]), w = random.tensor([10, 64], -0.3, 0.3)
    let bias = random.values(10)
    let yRef = Reference.linear(x, weight: w, bias: bias)
    let dy = random.tensor(yRef.shape)
    let grads = Reference.linearBackward(x, weight: w, dy: dy)
    let context = EngineCheck.context
    let linear = InnerProduct(inFeatures: 64, outFeatures: 10)
    let xt = try EngineCheck.tensor(x), wt = try EngineCheck.tensor(w)
    try EngineCheck.expectClose(try linear.forward(xt, weight: wt, bias: try EngineCheck.vector(bias),
                                                   context: context), yRef, "linear")
    let dyt = try EngineCheck.tensor(dy)
    try EngineCheck.expectClose(try linear.backwardData(dyt, weight: wt, context: context), grads.dx,
                                "linear dx")
    let (dw, db) = try linear.backwardWeights(xt, dy: dyt, context: context)
    try EngineCheck.expectClose(dw, grads.dWeight, "linear dW")
    try EngineCheck.expectClose(try EngineCheck.ref(db).data, grads.dBias, "linear db")
  }

  @Test func concatenationMatchesReference() throws {
    var random = SeededRandom(seed: 24)
    let parts = [random.tensor([3, 16]), random.tensor([3, 8]), random.tensor([3, 16])].map(EngineCheck.float32)
    let yRef = Reference.concat(parts)
    let dy = EngineCheck.float32(random.tensor(yRef.shape))
    let context = EngineCheck.context
    let y = try Concatenation.forward(try parts.map { try EngineCheck.tensor($0) }, context: context)
    try EngineCheck.expectClose(y, yRef, tolerance: 0, "concat")
    let grads = try Concatenation.backward(try EngineCheck.tensor(dy), widths: [16, 8, 16],
                                           context: context)
    let expected = Reference.concatBackward(dy: dy, partShapes: parts.map(\.shape))
    for (g, e) in zip(grads, expected) { try EngineCheck.expectClose(g, e, tolerance: 0, "split") }
  }

  @Test(arguments: [0..<10, 4..<10, 0..<6])
  func crossEntropyMatchesReference(classes: Range<Int>) throws {
    var random = SeededRandom(seed: 25)
    let logits = EngineCheck.float32(random.tensor([6, 10], -4, 4))
    let labels = (0..<6).map { classes.lowerBound + $0 % classes.count }
    let context = EngineCheck.context
    let (loss, grad) = try SoftmaxCrossEntropy.forwardBackward(
      logits: try EngineCheck.tensor(logits), labels: labels.map(Int32.init), classes: classes,
      context: context)
    let lossRef = Reference.softmaxCrossEntropy(logits: logits, labels: labels, classes: classes)
    try EngineCheck.expectClose([loss], [lossRef], tolerance: 1e-12, "cross-entropy")
    try EngineCheck.expectClose(grad, Reference.softmaxCrossEntropyBackward(
      logits: logits, labels: labels, classes: classes), tolerance: 1e-7, "cross-entropy gradient")
  }

  @Test(arguments: [1.0, 2.0])
  func distillationMatchesReference(temperature: Double) throws {
    var random = SeededRandom(seed: 26)
    let logits = EngineCheck.float32(random.tensor([4, 7], -3, 3))
    let targets = EngineCheck.float32(random.tensor([4, 7], -3, 3))
    let context = EngineCheck.context
    let (loss, grad) = try Distillation.forwardBackward(
      logits: try EngineCheck.tensor(logits), targets: try EngineCheck.tensor(targets),
      temperature: temperature, context: context)
    try EngineCheck.expectClose([loss], [Reference.distillation(
      logits: logits, targets: targets, temperature: temperature)], tolerance: 1e-12, "KD loss")
    try EngineCheck.expectClose(grad, Reference.distillationBackward(
      logits: logits, targets: targets, temperature: temperature), tolerance: 1e-7, "KD gradient")
  }
}
