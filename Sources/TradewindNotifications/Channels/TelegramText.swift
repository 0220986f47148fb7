/// Text for the Telegram Bot API: escaping for its two formatting modes and splitting into
/// messages of at most 4,096 characters.
public enum TelegramText {
    public enum Mode: String, Sendable { case html = "HTML", markdownV2 = "MarkdownV2" }

    /// The API's limit on one message's text.
    public static let limit = 4_096

    /// Escapes text for `parse_mode=HTML`: only `<`, `>` and `&` are special.
    public static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Escapes text for `parse_mode=MarkdownV2`, where each of `_*[]()~`>#+-=|{}.!` and `\`
    /// must be preceded by a backslash.
    public static func escapeMarkdownV2(_ text: String) -> String {
        let special: Set<Character> = ["_", "*", "[", "]", "(", ")", "~", "`", ">", "#", "+", "-", "=", "|", "{", "}", ".", "!", "\\"]
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if special.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// A bold headline and an escaped body in `mode`.
    public static func format(title: String, body: String, mode: Mode) -> (headline: String, body: String) {
        switch mode {
        case .html: ("<b>" + escapeHTML(title) + "</b>", escapeHTML(body))
        case .markdownV2: ("*" + escapeMarkdownV2(title) + "*", escapeMarkdownV2(body))
        }
    }

    /// Splits escaped text into messages of at most `limit` characters (counted in UTF-16 units,
    /// as Telegram counts), preferring line breaks, then spaces, and never cutting an HTML entity
    /// or a Markdown escape in two. Formatting in `headline` stays whole in the first message.
    public static func split(headline: String, body: String, limit: Int = limit) -> [String] {
        let opening = headline.isEmpty ? "" : headline + "\n"
        let whole = body.isEmpty ? headline : opening + body
        if whole.utf16.count <= limit { return [whole] }
        var messages: [String] = []
        var rest = Substring(body)
        var first = opening
        while !rest.isEmpty {
            let room = limit - first.utf16.count
            if rest.utf16.count <= room {
                messages.append(first + rest)
                break
            }
            let cut = cutIndex(in: rest, room: room)
            messages.append(first + rest[..<cut])
            rest = rest[cut...]
            while rest.first == "\n" || rest.first == " " { rest = rest.dropFirst() }
            first = ""
        }
        return messages
    }

    /// Where to end a piece holding at most `room` UTF-16 units of `text`.
    static func cutIndex(in text: Substring, room: Int) -> String.Index {
        var end = text.startIndex
        var units = 0
        for index in text.indices {
            let size = text[index].utf16.count
            if units + size > room { break }
            units += size
            end = text.index(after: index)
        }
        let piece = text[..<end]
        // Never end inside an entity (`&amp;`) or right after an escaping backslash.
        var safeEnd = end
        if let amp = piece.lastIndex(of: "&"), !piece[amp...].contains(";") { safeEnd = amp }
        while safeEnd > text.startIndex, text[text.index(before: safeEnd)] == "\\" {
            // An odd run of backslashes at the end would escape the next piece's first character.
            var run = 0
            var i = safeEnd
            while i > text.startIndex, text[text.index(before: i)] == "\\" { run += 1; i = text.index(before: i) }
            if run % 2 == 0 { break }
            safeEnd = text.index(before: safeEnd)
        }
        let candidate = text[..<safeEnd]
        let minimum = candidate.utf16.count / 2
        if let newline = candidate.lastIndex(of: "\n"), candidate[..<newline].utf16.count >= minimum { return newline }
        if let space = candidate.lastIndex(of: " "), candidate[..<space].utf16.count >= minimum { return space }
        return safeEnd > text.startIndex ? safeEnd : end
    }
}
