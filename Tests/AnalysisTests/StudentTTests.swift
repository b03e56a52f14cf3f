import Foundation
import StrataTestSupport
import Testing
@testable import Analysis

/// The t quantile behind every confidence interval of verification, against closed forms and
/// scipy.stats.t.ppf.
@Suite struct StudentTTests {
  /// ν = 1 is Cauchy: t_p = tan(π(p − ½)); ν = 2: t_p = (2p − 1)/√(2p(1 − p)).
  @Test func closedForms() {
    for p in [0.6, 0.9, 0.975, 0.995] {
      let cauchy = tan(Double.pi * (p - 0.5))
      let two = (2 * p - 1) / (2 * p * (1 - p)).squareRoot()
      #expect(abs(StudentT.quantile(p, degreesOfFreedom: 1) - cauchy) < 1e-9 * cauchy, "p \(p)")
      #expect(abs(StudentT.quantile(p, degreesOfFreedom: 2) - two) < 1e-10 * two, "p \(p)")
    }
    #expect(abs(StudentT.critical(confidence: 0.95, degreesOfFreedom: 1) - 12.706204736174694) < 1e-9)
    #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
    #expect(StudentT.quantile(0.025, degreesOfFreedom: 4) == -StudentT.quantile(0.975, degreesOfFreedom: 4))
    #expect(abs(StudentT.cdf(0, degreesOfFreedom: 5) - 0.5) < 1e-15)
  }

  /// Against a 40-digit root of the CDF (mpmath, Debian's python3) to 1e-12, for ν = 1…30, 50,
  /// 100 at the quantiles a 20%, 90%, 95% and 99% interval uses, and against scipy 1.10's
  /// t.ppf, whose own error reaches ~1e-8 (at ν = 30, p = 0.95 it gives 1.69726089436; the root
  /// is 1.69726088659).
  @Test func agreesWithMpmathAndScipy() throws {
    let dfs = Array(1...30) + [50, 100]
    let ps = [0.95, 0.975, 0.995, 0.6]
    let json = try PythonOracle.json(
      URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Oracles/t_quantiles.py").path,
      [dfs.map { "\($0)" }.joined(separator: ","), ps.map { "\($0)" }.joined(separator: ",")])
    var compared = 0, worstScipy = 0.0
    for df in dfs {
      let row = try #require(json["\(Double(df))"] as? [String: [Double]], "ν \(df)")
      for p in ps {
        let pair = try #require(row["\(p)"], "ν \(df), p \(p)")
        let (scipy, root) = (pair[0], pair[1])
        let t = StudentT.quantile(p, degreesOfFreedom: Double(df))
        #expect(abs(t - root) <= 1e-12 * max(1, abs(root)), "ν \(df), p \(p): \(t) vs \(root)")
        #expect(abs(t - scipy) <= 1e-7 * max(1, abs(scipy)), "ν \(df), p \(p): \(t) vs scipy \(scipy)")
        worstScipy = max(worstScipy, abs(t - scipy))
        compared += 1
      }
    }
    print("t quantiles: \(compared) compared; largest gap to scipy's t.ppf \(worstScipy)")
    #expect(compared == dfs.count * ps.count)
  }
}
