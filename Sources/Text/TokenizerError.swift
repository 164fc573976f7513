/// A failure inside ICU while tokenizing or normalizing, which only happens with missing ICU
/// data or with input beyond ICU's 32-bit limits.
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was being done, e.g. "opening the word break iterator for locale xx".
    public var operation: String
    /// ICU's name for the error code, e.g. "U_MISSING_RESOURCE_ERROR".
    public var icuError: String

    public init(operation: String, icuError: String) {
        self.operation = operation
        self.icuError = icuError
    }

    public var description: String { "ICU failed \(operation): \(icuError)" }
}
