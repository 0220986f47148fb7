import Foundation

/// A thread at the lowest scheduling priority that runs work items one after another: the
/// write-ahead log's copy into SQLite. A copy transaction takes a millisecond or more of CPU; at
/// normal priority it holds a core while bots wait behind it. The thread runs at nice 19 and,
/// where the kernel allows it, under `SCHED_IDLE`: a bot thread that wakes preempts it at once,
/// and the scheduler counts a core running only it as idle when it places a waking thread. Under
/// sustained full load the copy falls behind (the log grows, and only a read of the journal waits
/// for it), and it catches up as soon as a core is free.
final class LowPriorityThread: @unchecked Sendable {
    /// One for the process: the copies of every log queue on it.
    static let journalCopy = LowPriorityThread(name: "tradewind-copy")
    /// Touches log pages ahead of the appends (``WriteAheadJournal``), so a bot holding the log's
    /// lock does not take their first-write faults. Apart from the copy: a copy transaction can
    /// take milliseconds, and the pages are wanted before then.
    static let journalPrefault = LowPriorityThread(name: "tradewind-prefault")

    /// Linux's `SCHED_IDLE`, a GNU extension that Glibc's Swift module does not import.
    static let idlePolicy: Int32 = 5

    /// Guards ``items``.
    private let condition = NSCondition()
    private var items: [() -> Void] = []

    init(name: String) {
        let thread = Thread { [self] in
            // Named here, for `top -H` and `ps -L`: `Thread.name` does not reach the kernel on
            // Linux, and `pthread_setname_np` is not imported into Swift (a GNU extension).
            let comm = open("/proc/thread-self/comm", O_WRONLY)
            if comm >= 0 {
                _ = String(name.prefix(15)).withCString { write(comm, $0, strlen($0)) }
                Glibc.close(comm)
            }
            // On Linux the "process" of PRIO_PROCESS with who 0 is the calling thread.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            var parameters = sched_param(sched_priority: 0)
            _ = sched_setscheduler(0, Self.idlePolicy, &parameters)
            run()
        }
        thread.start()
    }

    /// Runs `body` on the thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(StorageError) -> T) async throws(StorageError) -> T {
        let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: Result { () throws(StorageError) -> T in try body() }) }
        }
        return try result.get()
    }

    /// Queues `body` and returns at once.
    func submit(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        items.append(body)
        condition.unlock()
        condition.signal()
    }

    private func run() -> Never {
        while true {
            condition.lock()
            while items.isEmpty { condition.wait() }
            let batch = items
            items.removeAll()
            condition.unlock()
            for item in batch { item() }
        }
    }
}
