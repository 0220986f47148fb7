/// A fixed-length array with value semantics whose per-bar writes need no copy-on-write check
/// each: the engine's strategies and their contexts, and the portfolio's marks.
///
/// A Swift `Array` checks that its storage is unique on every write (a runtime call), and the
/// engine writes each strategy, its context and the instrument's mark on every bar; with the
/// equity curve's, those checks were a fifth of a bar's cost. Here the check is
/// ``makeUnique()``, made once before a run of bars; in that run the engine writes through
/// ``subscript(prepared:)``, which does not check. Everything else goes through the checked
/// subscript, as with an `Array`.
///
/// Inlinable: the engine's bar path is specialised in the module that names the strategy type.
@usableFromInline
struct SlotArray<Element>: RandomAccessCollection {
    @usableFromInline
    final class Storage {
        @usableFromInline let elements: UnsafeMutablePointer<Element>
        @usableFromInline let count: Int

        @usableFromInline
        init(count: Int, initialize: (UnsafeMutablePointer<Element>) -> Void) {
            self.count = count
            elements = .allocate(capacity: Swift.max(count, 1))
            initialize(elements)
        }

        deinit {
            elements.deinitialize(count: count)
            elements.deallocate()
        }
    }

    @usableFromInline var storage: Storage
    /// `storage.elements` and `storage.count`, kept here so an access reads no class field.
    @usableFromInline var elements: UnsafeMutablePointer<Element>
    @usableFromInline let count: Int

    init(_ values: [Element]) {
        storage = Storage(count: values.count) { target in
            values.withUnsafeBufferPointer { target.initialize(from: $0.baseAddress!, count: $0.count) }
        }
        elements = storage.elements
        count = values.count
    }

    @inlinable var startIndex: Int { 0 }
    @inlinable var endIndex: Int { count }
    @inlinable var indices: Range<Int> { 0..<count }

    @inlinable
    subscript(slot: Int) -> Element {
        get {
            precondition(slot >= 0 && slot < count, "slot out of range")
            return elements[slot]
        }
        _modify {
            precondition(slot >= 0 && slot < count, "slot out of range")
            makeUnique()
            yield &elements[slot]
        }
    }

    /// Makes the storage this value's alone (copying it if shared), so that
    /// ``subscript(prepared:)`` may write to it until the value is next copied.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { copyStorage() }
    }

    @usableFromInline
    mutating func copyStorage() {
        let source = elements, count = count
        storage = Storage(count: count) { $0.initialize(from: source, count: count) }
        elements = storage.elements
    }

    /// A slot written without the copy-on-write check: only after ``makeUnique()``, with no
    /// copy of this value made since (a debug build asserts it).
    @inlinable
    subscript(prepared slot: Int) -> Element {
        @inline(__always) get {
            precondition(slot >= 0 && slot < count, "slot out of range")
            return elements[slot]
        }
        @inline(__always) _modify {
            precondition(slot >= 0 && slot < count, "slot out of range")
            assert(isKnownUniquelyReferenced(&storage), "slot written without makeUnique()")
            yield &elements[slot]
        }
    }
}

extension SlotArray: @unchecked Sendable where Element: Sendable {}
