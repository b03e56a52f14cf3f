/// The custom architecture of the architecture issue, as a JSON spec file would hold it: not a
/// built-in, two stages of BasicBlocks at half width, 8×8 inputs. NN's spec tests and the
/// command tests use the same text.
public enum CustomArchitectureSpec {
  public static func json(name: String) -> String {
    """
    {
      "name": "\(name)",
      "stem": "cifar", "stemWidth": 16,
      "stages": [
        {"block": "basic", "blocks": 2, "width": 16, "stride": 1},
        {"block": "basic", "blocks": 2, "width": 32, "stride": 2}
      ],
      "shortcut": "A", "widthMultiplier": 0.5,
      "inputChannels": 3, "inputSize": 8, "classes": 4
    }
    """
  }
}
