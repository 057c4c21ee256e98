import Foundation

/// Runs independent work at once on plain threads (never Swift's cooperative pool: libssh2,
/// bash and file reads block), at most `forks` at a time, results in input order. Hosts of a
/// fleet use it, and so do lint's files.
public enum Fleet {
    /// `inputs.map(body)`, on up to `forks` threads.
    public static func map<Input, Output>(_ inputs: [Input], forks: Int, _ body: @escaping (Input) -> Output) -> [Output] {
        if inputs.count == 1 { return [body(inputs[0])] }
        let state = FleetState(inputs: inputs, body: body)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(forks, inputs.count)) {
            group.enter()
            let thread = Thread {
                state.work()
                group.leave()
            }
            thread.start()
        }
        group.wait()
        return state.results.map { $0! }
    }
}

/// The shared queue of a `Fleet.map`: an index handed out under a lock, results stored under it.
private final class FleetState<Input, Output>: @unchecked Sendable {
    let inputs: [Input]
    let body: (Input) -> Output
    let lock = NSLock()
    var results: [Output?]
    var next = 0

    init(inputs: [Input], body: @escaping (Input) -> Output) {
        self.inputs = inputs
        self.body = body
        self.results = [Output?](repeating: nil, count: inputs.count)
    }

    func work() {
        while true {
            lock.lock()
            let index = next
            next += 1
            lock.unlock()
            guard index < inputs.count else { return }
            let output = body(inputs[index])
            lock.lock()
            results[index] = output
            lock.unlock()
        }
    }
}
