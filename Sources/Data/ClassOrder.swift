import CZlib
import CTurboJPEG
import CPNG
// Placeholder until issue 5 lands: makes the target compile.
public enum DataPlaceholder { public static let zlib = String(cString: zlibVersion()) }
