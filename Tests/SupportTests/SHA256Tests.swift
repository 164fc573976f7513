import XCTest
@testable import Support

final class SHA256Tests: XCTestCase {
    func testKnownDigests() {
        // FIPS 180-4 examples.
        XCTAssertEqual(SHA256.hex(of: [UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(of: Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testPiecewiseUpdatesEqualOneUpdate() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = SHA256.hex(of: bytes)
        for piece in [1, 3, 63, 64, 65, 200] {
            var hash = SHA256()
            var i = 0
            while i < bytes.count {
                hash.update(Array(bytes[i..<min(i + piece, bytes.count)]))
                i += piece
            }
            XCTAssertEqual(hash.finalizeHex(), whole, "pieces of \(piece)")
        }
    }
}
