import Foundation
import Testing
@testable import Data

/// `GzipFile.readAll(_:limit:)` pulls no more than its limit from a stream that inflates far
/// beyond it (issue 24, case 4): the buffer, and so the memory, is bounded by the limit.
@Suite struct GzipLimitTests {
  @Test func aReadStopsAtItsLimit() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let url = try GzipBombTests.bomb("bomb.gz", header: [1, 2, 3], in: folder)
    let head = try GzipFile.readAll(url.path, limit: 7857)
    #expect(head.count == 7857 && head.prefix(3) == [1, 2, 3] && head.dropFirst(3).allSatisfy { $0 == 0 })
    #expect(try GzipFile.readAll(url.path, limit: 0).isEmpty)
    // A raw file is read the same way, and the bytes after a point are counted from its size.
    let raw = try folder.write("raw", Array(repeating: 5, count: 100))
    #expect(try GzipFile.readAll(raw.path, limit: 10) == Array(repeating: 5, count: 10))
    #expect(GzipFile.bytesAfter(60, in: raw.path) == 40)
    #expect(GzipFile.bytesAfter(60, in: url.path) == nil)
  }
}
