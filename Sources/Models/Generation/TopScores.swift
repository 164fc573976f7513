/// The ids of the `count` largest scores, largest first; ties rank the lower id first, and
/// -infinity and NaN never rank (so hidden words stay hidden). Fewer ids come back when fewer
/// scores are finite.
///
/// Keeps a sorted buffer of the best `count` seen so far: one comparison per score for most of
/// V, against a full sort's V log V.
public func largestScores(_ scores: [Float], count: Int) -> [Int] {
    guard count > 0 else { return [] }
    var best: [Int] = []
    best.reserveCapacity(min(count, scores.count) + 1)
    for (id, score) in scores.enumerated() where score > -Float.infinity {
        if best.count == count, let last = best.last, !(score > scores[last]) { continue }
        // Insert after every kept id whose score is >= this one (equal scores keep id order).
        var position = best.count
        while position > 0 && scores[best[position - 1]] < score { position -= 1 }
        best.insert(id, at: position)
        if best.count > count { best.removeLast() }
    }
    return best
}
