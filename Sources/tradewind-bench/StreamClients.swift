import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Many WebSocket clients of `/api/v1/stream` read by one thread with `poll(2)`.
///
/// The fan-out benchmark runs its clients on the same two cores as the server. As Swift
/// WebSocket clients (an event-loop channel, a frame decoder, an async sequence and a task
/// each) they took about a third of the machine's time, and the delivery tail measured the
/// clients' own queueing as much as the server's. These clients do what a browser's socket
/// does and no more: the opening handshake, then unmasked server frames read straight from
/// the socket, each text payload scanned for the events' `"t":<nanoseconds>` stamps; pings
/// are answered.
final class StreamClients {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var sockets: [Int32] = []
    /// Per client, bytes received and not yet a whole frame.
    private var pending: [[UInt8]] = []
    private var finished: [Bool] = []

    /// Connects `count` clients and completes each handshake.
    init(count: Int, port: Int, path: String) throws {
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
            try Self.sendAll(fd, Array(request.utf8))
            // The answer's head, byte by byte so no frame after it is consumed here.
            var head: [UInt8] = []
            while !(head.count >= 4 && head.suffix(4) == [13, 10, 13, 10]) {
                var byte: UInt8 = 0
                guard read(fd, &byte, 1) == 1 else { throw Failure(description: "the server closed during the handshake") }
                head.append(byte)
            }
            guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
                throw Failure(description: "handshake refused: \(String(decoding: head, as: UTF8.self))")
            }
            sockets.append(fd)
            pending.append([])
            finished.append(false)
        }
    }

    deinit {
        for fd in sockets { close(fd) }
    }

    /// Reads until every client has seen an event marked `"last":true`, or `deadline`.
    /// - Returns: every event's delivery latency (receipt − its stamp) in nanoseconds, and
    ///   the number of frames the clients received.
    func collect(now: () -> Int64, until deadline: ContinuousClock.Instant) throws -> (lags: [Int64], frames: Int) {
        var lags: [Int64] = []
        var frames = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var polls = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while finished.contains(false) && ContinuousClock.now < deadline {
            let ready = poll(&polls, nfds_t(polls.count), 100)
            guard ready > 0 else { continue }
            for client in polls.indices where polls[client].revents != 0 {
                let count = read(polls[client].fd, &buffer, buffer.count)
                guard count > 0 else {
                    finished[client] = true
                    polls[client].fd = -1
                    continue
                }
                let received = now()
                pending[client].append(contentsOf: buffer[0..<count])
                frames += try consumeFrames(client, received: received, into: &lags)
                if finished[client] { polls[client].fd = -1 }
            }
        }
        return (lags, frames)
    }

    /// Takes every whole frame off the client's pending bytes.
    private func consumeFrames(_ client: Int, received: Int64, into lags: inout [Int64]) throws -> Int {
        var frames = 0
        var offset = 0
        let bytes = pending[client]
        while bytes.count - offset >= 2 {
            let opcode = bytes[offset] & 0x0F
            var length = Int(bytes[offset + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard bytes.count - offset >= 4 else { break }
                length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                header = 4
            } else if length == 127 {
                guard bytes.count - offset >= 10 else { break }
                length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[offset + 2 + $1]) }
                header = 10
            }
            guard bytes.count - offset >= header + length else { break }
            let payload = (offset + header)..<(offset + header + length)
            switch opcode {
            case 0x9: try Self.sendAll(sockets[client], Self.maskedFrame(opcode: 0xA, payload: Array(bytes[payload])))
            case 0x8: finished[client] = true
            default:
                if scanStamps(bytes, payload, received: received, into: &lags) { finished[client] = true }
            }
            frames += 1
            offset += header + length
        }
        pending[client].removeFirst(offset)
        return frames
    }

    /// Appends the latency of every `"t":<ns>` in the payload; whether it held the last event.
    private func scanStamps(_ bytes: [UInt8], _ range: Range<Int>, received: Int64, into lags: inout [Int64]) -> Bool {
        var last = false
        var index = range.lowerBound
        let end = range.upperBound
        while index + 4 < end {
            if bytes[index] == UInt8(ascii: "\""), bytes[index + 1] == UInt8(ascii: "t"), bytes[index + 2] == UInt8(ascii: "\""),
               bytes[index + 3] == UInt8(ascii: ":") {
                var value: Int64 = 0
                index += 4
                while index < end, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                }
                lags.append(received - value)
            } else if bytes[index] == UInt8(ascii: "\""), bytes[index + 1] == UInt8(ascii: "l"), bytes[index + 2] == UInt8(ascii: "a"),
                      bytes[index + 3] == UInt8(ascii: "s") {
                last = true
                index += 4
            } else {
                index += 1
            }
        }
        return last
    }

    /// A client frame (clients must mask; the mask is fixed, which the protocol allows the
    /// server no opinion on).
    static func maskedFrame(opcode: UInt8, payload: [UInt8]) -> [UInt8] {
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame: [UInt8] = [0x80 | opcode, 0x80 | UInt8(payload.count)]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return frame
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "write: errno \(errno)") }
            sent += count
        }
    }
}
