import Support

/// The grammar behind `corpora/toy-en`: English-like sentences whose structure needs memory
/// over many words — subject-verb number agreement across prepositional phrases, relative
/// clauses and parentheses, pronouns and reflexives that agree with a subject several words
/// back, and quotes that must be closed. Lowercase, tokens separated by single spaces (so ICU
/// and white-space tokenization agree), one sentence per line.
///
/// It also makes the minimal-pair agreement items of `agreement.tsv` (Linzen et al. 2016,
/// "Assessing the ability of LSTMs to learn syntax-sensitive dependencies"): a sentence with
/// the verb (or pronoun) blanked, the right form, the candidate forms, the distance from the
/// subject's head noun to the blank, and the number of attractors (nouns in between that would
/// call for a different form).
struct ToyEnglish {
    enum Number: Equatable { case singular, plural }
    enum Kind: Equatable { case person, animal, thing }
    enum Gender: Equatable { case masculine, feminine, unknown }

    struct Noun {
        var singular: String
        var plural: String
        var kind: Kind
        var gender: Gender
        func form(_ number: Number) -> String { number == .singular ? singular : plural }
    }

    /// A verb with its present third-person singular, present plural and past forms.
    struct Verb {
        var singular: String
        var plural: String
        var past: String
        /// Subjects it takes; `transitive` verbs take any object noun of `objects`.
        var subjects: [Kind]
        var objects: [Kind]
        func present(_ number: Number) -> String { number == .singular ? singular : plural }
    }

    /// A sentence being built: tokens plus where its nouns are, to count attractors.
    struct Builder {
        var tokens: [String] = []
        var nouns: [(index: Int, number: Number, pronoun: String)] = []

        mutating func add(_ words: String...) { tokens.append(contentsOf: words) }
        mutating func add(_ words: [String]) { tokens.append(contentsOf: words) }
        mutating func noun(_ noun: Noun, _ number: Number) {
            nouns.append((tokens.count, number, ToyEnglish.pronoun(noun, number)))
            tokens.append(noun.form(number))
        }
    }

    static func pronoun(_ noun: Noun, _ number: Number) -> String {
        if number == .plural { return "they" }
        switch (noun.kind, noun.gender) {
        case (.person, .masculine): return "he"
        case (.person, .feminine): return "she"
        case (.person, .unknown): return "he/she"
        default: return "it"
        }
    }

    static func n(_ s: String, _ p: String, _ kind: Kind, _ gender: Gender = .unknown) -> Noun {
        Noun(singular: s, plural: p, kind: kind, gender: gender)
    }

    let nouns: [Noun] = [
        n("king", "kings", .person, .masculine), n("queen", "queens", .person, .feminine),
        n("boy", "boys", .person, .masculine), n("girl", "girls", .person, .feminine),
        n("man", "men", .person, .masculine), n("woman", "women", .person, .feminine),
        n("father", "fathers", .person, .masculine), n("mother", "mothers", .person, .feminine),
        n("brother", "brothers", .person, .masculine), n("sister", "sisters", .person, .feminine),
        n("prince", "princes", .person, .masculine), n("princess", "princesses", .person, .feminine),
        n("uncle", "uncles", .person, .masculine), n("aunt", "aunts", .person, .feminine),
        n("teacher", "teachers", .person), n("doctor", "doctors", .person),
        n("student", "students", .person), n("farmer", "farmers", .person),
        n("painter", "painters", .person), n("pilot", "pilots", .person),
        n("child", "children", .person), n("friend", "friends", .person),
        n("neighbour", "neighbours", .person), n("officer", "officers", .person),
        n("baker", "bakers", .person), n("writer", "writers", .person),
        n("dog", "dogs", .animal), n("cat", "cats", .animal), n("horse", "horses", .animal),
        n("bird", "birds", .animal), n("mouse", "mice", .animal), n("fox", "foxes", .animal),
        n("wolf", "wolves", .animal), n("goose", "geese", .animal), n("rabbit", "rabbits", .animal),
        n("key", "keys", .thing), n("cabinet", "cabinets", .thing), n("box", "boxes", .thing),
        n("table", "tables", .thing), n("book", "books", .thing), n("chair", "chairs", .thing),
        n("letter", "letters", .thing), n("window", "windows", .thing), n("door", "doors", .thing),
        n("lamp", "lamps", .thing), n("bottle", "bottles", .thing), n("picture", "pictures", .thing),
        n("bridge", "bridges", .thing), n("house", "houses", .thing), n("garden", "gardens", .thing),
        n("road", "roads", .thing), n("river", "rivers", .thing), n("tree", "trees", .thing),
        n("car", "cars", .thing), n("boat", "boats", .thing), n("cup", "cups", .thing),
        n("bag", "bags", .thing), n("coat", "coats", .thing), n("hat", "hats", .thing),
        n("island", "islands", .thing), n("apple", "apples", .thing), n("umbrella", "umbrellas", .thing),
    ]

    /// Adjectives before a noun: for any kind, for people and animals, for things and animals.
    let attributive = ["old", "small", "big", "strange", "little"]
    let animateAttributive = ["young", "quiet", "famous", "friendly", "lazy", "brave", "tall", "angry"]
    let thingAttributive = ["red", "green", "blue", "new", "dark", "heavy"]
    /// Predicative adjectives for people and animals, and for things.
    let animatePredicates = ["happy", "tired", "hungry", "angry", "sad", "calm", "ready", "afraid",
                             "asleep", "awake", "proud", "busy", "curious"]
    let thingPredicates = ["heavy", "broken", "new", "old", "clean", "dirty", "empty", "full", "open",
                           "closed", "expensive", "cheap", "wet", "dry"]
    /// Prepositions of noun modifiers, and of locations after "is".
    let modifierPrepositions = ["near", "behind", "beside", "under", "with", "of", "to", "from", "above", "inside"]
    let locationPrepositions = ["on", "in", "near", "behind", "under", "beside"]

    static let animate: [Kind] = [.person, .animal]
    static let anyKind: [Kind] = [.person, .animal, .thing]

    let transitive: [Verb] = [
        Verb(singular: "likes", plural: "like", past: "liked", subjects: animate, objects: anyKind),
        Verb(singular: "sees", plural: "see", past: "saw", subjects: animate, objects: anyKind),
        Verb(singular: "finds", plural: "find", past: "found", subjects: animate, objects: anyKind),
        Verb(singular: "watches", plural: "watch", past: "watched", subjects: animate, objects: anyKind),
        Verb(singular: "follows", plural: "follow", past: "followed", subjects: animate, objects: animate),
        Verb(singular: "helps", plural: "help", past: "helped", subjects: [.person], objects: animate),
        Verb(singular: "visits", plural: "visit", past: "visited", subjects: [.person], objects: [.person]),
        Verb(singular: "loves", plural: "love", past: "loved", subjects: animate, objects: anyKind),
        Verb(singular: "knows", plural: "know", past: "knew", subjects: [.person], objects: [.person]),
        Verb(singular: "calls", plural: "call", past: "called", subjects: [.person], objects: animate),
        Verb(singular: "remembers", plural: "remember", past: "remembered", subjects: animate, objects: anyKind),
        Verb(singular: "carries", plural: "carry", past: "carried", subjects: animate, objects: [.thing]),
        Verb(singular: "opens", plural: "open", past: "opened", subjects: [.person], objects: [.thing]),
        Verb(singular: "paints", plural: "paint", past: "painted", subjects: [.person], objects: anyKind),
        Verb(singular: "chases", plural: "chase", past: "chased", subjects: animate, objects: animate),
    ]
    let intransitive: [Verb] = [
        Verb(singular: "sleeps", plural: "sleep", past: "slept", subjects: animate, objects: []),
        Verb(singular: "runs", plural: "run", past: "ran", subjects: animate, objects: []),
        Verb(singular: "waits", plural: "wait", past: "waited", subjects: animate, objects: []),
        Verb(singular: "smiles", plural: "smile", past: "smiled", subjects: [.person], objects: []),
        Verb(singular: "laughs", plural: "laugh", past: "laughed", subjects: [.person], objects: []),
        Verb(singular: "sings", plural: "sing", past: "sang", subjects: animate, objects: []),
        Verb(singular: "works", plural: "work", past: "worked", subjects: [.person], objects: []),
        Verb(singular: "falls", plural: "fall", past: "fell", subjects: anyKind, objects: []),
        Verb(singular: "stays", plural: "stay", past: "stayed", subjects: anyKind, objects: []),
    ]
    /// Past-tense verbs whose object is a reflexive or a possessed thing.
    let reflexiveVerbs = ["saw", "hurt", "washed", "blamed", "praised", "surprised", "described"]
    let possessiveVerbs = ["lost", "found", "sold", "cleaned", "forgot", "painted", "opened"]
    let speechVerbs = ["said", "thought", "knew", "believed", "explained"]
    let adverbials = ["today", "again", "every morning", "at night", "in the garden", "after dinner",
                      "all day", "without a word", "near the river", "in the old house"]

    // MARK: - Phrases

    func nounOf(_ kinds: [Kind], _ rng: inout RandomGenerator) -> Noun {
        let candidates = nouns.filter { kinds.contains($0.kind) }
        return rng.pick(candidates)
    }

    func number(_ rng: inout RandomGenerator) -> Number {
        rng.chance(0.5) ? .singular : .plural
    }

    /// A determiner and optional adjective before a noun; "a" becomes "an" before a vowel.
    func simpleNP(_ noun: Noun, _ number: Number, _ b: inout Builder, _ rng: inout RandomGenerator,
                  adjectiveChance: Double = 0.3) {
        let determiner: String
        if number == .singular {
            determiner = ["the", "the", "the", "a", "this", "that", "every", "my"][rng.below(8)]
        } else {
            determiner = ["the", "the", "the", "these", "those", "some", "many", "two", "my"][rng.below(9)]
        }
        var next = noun.form(number)
        var adjective: String?
        if rng.chance(adjectiveChance) {
            let chosen = rng.pick(attributive + (noun.kind == .thing ? [] : animateAttributive)
                                  + (noun.kind == .person ? [] : thingAttributive))
            adjective = chosen
            next = chosen
        }
        let startsWithVowel = next.first.map { "aeiou".contains($0) } ?? false
        b.add(determiner == "a" && startsWithVowel ? "an" : determiner)
        if let adjective { b.add(adjective) }
        b.noun(noun, number)
    }

    /// A noun phrase with a random head noun of the given kinds.
    func randomNP(_ kinds: [Kind], _ b: inout Builder, _ rng: inout RandomGenerator, number: Number? = nil) {
        let noun = nounOf(kinds, &rng)
        simpleNP(noun, number ?? self.number(&rng), &b, &rng)
    }

    /// How the subject's head noun is separated from its verb.
    enum Modifier: String, CaseIterable {
        case none = "simple"
        case pp = "pp"
        case ppPP = "pp-pp"
        case subjectRelative = "relative-subject"
        case objectRelative = "relative-object"
        case objectRelativePP = "relative-object-pp"
        case parenthesis = "parenthesis"
    }

    /// Words after the head noun that modify it. `pastOnly` keeps verbs inside the modifier in
    /// the past tense, so they give no clue to the head's number (used for test items).
    func addModifier(_ kind: Modifier, head: Noun, headNumber: Number, _ b: inout Builder,
                  _ rng: inout RandomGenerator, pastOnly: Bool) {
        switch kind {
        case .none:
            break
        case .pp:
            b.add(rng.pick(modifierPrepositions))
            randomNP(Self.anyKind, &b, &rng)
        case .ppPP:
            b.add(rng.pick(modifierPrepositions))
            randomNP(Self.anyKind, &b, &rng)
            b.add(rng.pick(modifierPrepositions))
            randomNP(Self.anyKind, &b, &rng)
        case .subjectRelative:
            b.add(head.kind == .person && rng.chance(0.5) ? "who" : "that")
            // Things take no transitive verb here ("the box that falls").
            let useIntransitive = head.kind == .thing || rng.chance(0.4)
            let verbs = (useIntransitive ? intransitive : transitive).filter { $0.subjects.contains(head.kind) }
            let verb = rng.pick(verbs)
            b.add(pastOnly || rng.chance(0.4) ? verb.past : verb.present(headNumber))
            if !useIntransitive { randomNP(verb.objects, &b, &rng) }
        case .objectRelative, .objectRelativePP:
            b.add("that")
            let verb = rng.pick(transitive.filter { $0.objects.contains(head.kind) })
            let innerNumber = number(&rng)
            randomNP(verb.subjects, &b, &rng, number: innerNumber)
            if kind == .objectRelativePP {
                b.add(rng.pick(modifierPrepositions))
                randomNP(Self.anyKind, &b, &rng)
            }
            b.add(pastOnly || rng.chance(0.4) ? verb.past : verb.present(innerNumber))
        case .parenthesis:
            b.add("(")
            b.add(rng.pick(modifierPrepositions))
            randomNP(Self.anyKind, &b, &rng)
            b.add(")")
        }
    }

    func randomModifier(_ rng: inout RandomGenerator) -> Modifier {
        let kinds: [Modifier] = [.none, .pp, .ppPP, .subjectRelative, .objectRelative, .objectRelativePP, .parenthesis]
        return kinds[rng.weighted([3, 4, 1.2, 2, 2, 0.8, 0.6])]
    }

    /// The predicate of a clause whose subject has `head` and `number`: the agreeing verb and
    /// what follows. Returns the index of the agreeing verb and its singular/plural pair, or
    /// nil when the verb chosen does not agree (past tense).
    @discardableResult
    func predicate(head: Noun, number: Number, _ b: inout Builder, _ rng: inout RandomGenerator,
                   allowPast: Bool = true) -> (index: Int, pair: (String, String))? {
        let animate = head.kind != .thing
        let choice = rng.weighted([3, 1.5, animate ? 3 : 0, 2, 1, allowPast && animate ? 1.5 : 0])
        let index = b.tokens.count
        switch choice {
        case 0, 1: // copula, present or past
            let pair = choice == 0 ? ("is", "are") : ("was", "were")
            b.add(number == .singular ? pair.0 : pair.1)
            if rng.chance(0.5) {
                b.add(rng.pick(head.kind == .thing ? thingPredicates : animatePredicates))
            } else {
                b.add(rng.pick(locationPrepositions))
                randomNP([.thing], &b, &rng)
            }
            return (index, pair)
        case 2: // transitive, present
            let verb = rng.pick(transitive.filter { $0.subjects.contains(head.kind) })
            b.add(verb.present(number))
            randomNP(verb.objects, &b, &rng)
            return (index, (verb.singular, verb.plural))
        case 3: // intransitive, present
            let verb = rng.pick(intransitive.filter { $0.subjects.contains(head.kind) })
            b.add(verb.present(number))
            if rng.chance(0.5) { b.add(rng.pick(adverbials).split(separator: " ").map(String.init)) }
            return (index, (verb.singular, verb.plural))
        case 4: // possession
            b.add(number == .singular ? "has" : "have")
            randomNP([.thing, .animal], &b, &rng)
            return (index, ("has", "have"))
        default: // past tense, no agreement
            let verb = rng.pick(transitive.filter { $0.subjects.contains(head.kind) })
            b.add(verb.past)
            randomNP(verb.objects, &b, &rng)
            return nil
        }
    }

    /// Subject noun phrase with a modifier; returns the head noun, its number and index.
    func subject(_ kinds: [Kind], modifier: Modifier, _ b: inout Builder, _ rng: inout RandomGenerator,
                 pastOnly: Bool = false, number fixed: Number? = nil) -> (noun: Noun, number: Number, index: Int) {
        let noun = nounOf(kinds, &rng)
        let number = fixed ?? self.number(&rng)
        simpleNP(noun, number, &b, &rng)
        let index = b.tokens.count - 1
        addModifier(modifier, head: noun, headNumber: number, &b, &rng, pastOnly: pastOnly)
        return (noun, number, index)
    }

    // MARK: - Sentences

    /// A main clause with subject-verb agreement (no final period).
    func agreementClause(_ b: inout Builder, _ rng: inout RandomGenerator) {
        let kinds: [Kind] = rng.chance(0.2) ? [.thing] : Self.animate
        let s = subject(kinds, modifier: randomModifier(&rng), &b, &rng)
        predicate(head: s.noun, number: s.number, &b, &rng)
    }

    /// Pronoun, reflexive or possessive agreeing with the subject.
    func pronounClause(_ b: inout Builder, _ rng: inout RandomGenerator) {
        let s = subject(Self.animate, modifier: randomModifier(&rng), &b, &rng)
        let pronoun = Self.pronoun(s.noun, s.number) == "he/she"
            ? (rng.chance(0.5) ? "he" : "she") : Self.pronoun(s.noun, s.number)
        // Animals do not speak: they only get reflexives and possessives.
        switch s.noun.kind == .animal ? 1 + rng.below(2) : rng.below(3) {
        case 0:
            b.add(rng.pick(speechVerbs), "that", pronoun)
            if rng.chance(0.5) {
                b.add(pronoun == "they" ? "were" : "was", rng.pick(animatePredicates))
            } else {
                b.add(rng.pick(transitive).past)
                randomNP(Self.anyKind, &b, &rng)
            }
        case 1:
            b.add(rng.pick(reflexiveVerbs), Self.reflexive[pronoun] ?? "themselves")
            if rng.chance(0.4) { b.add("in", "the", "mirror") }
        default:
            b.add(rng.pick(possessiveVerbs), Self.possessive[pronoun] ?? "their")
            if rng.chance(0.3) { b.add(rng.pick(attributive + thingAttributive)) }
            let thing = nounOf([.thing], &rng)
            b.noun(thing, number(&rng))
        }
    }

    static let reflexive = ["he": "himself", "she": "herself", "it": "itself", "they": "themselves"]
    static let possessive = ["he": "his", "she": "her", "it": "its", "they": "their"]

    /// One corpus sentence as tokens.
    func sentence(_ rng: inout RandomGenerator) -> [String] {
        var b = Builder()
        switch rng.weighted([55, 20, 14, 5, 6]) {
        case 0:
            agreementClause(&b, &rng)
            b.add(".")
        case 1:
            pronounClause(&b, &rng)
            b.add(".")
        case 2:
            // Quotes: the LM has to close what it opened, across a whole clause.
            var inner = Builder()
            if rng.chance(0.7) { agreementClause(&inner, &rng) } else { pronounClause(&inner, &rng) }
            var speaker = Builder()
            randomNP([.person], &speaker, &rng)
            if rng.chance(0.5) {
                b.add(speaker.tokens)
                b.add("said", ",", "\"")
                b.add(inner.tokens)
                b.add(".", "\"")
            } else {
                b.add("\"")
                b.add(inner.tokens)
                b.add(",", "\"", "said")
                b.add(speaker.tokens)
                b.add(".")
            }
        case 3:
            // Two singular subjects joined by "and" take a plural verb.
            let first = nounOf(Self.animate, &rng)
            simpleNP(first, number(&rng), &b, &rng)
            b.add("and")
            let second = nounOf(first.kind == .person ? [.person] : [.animal], &rng)
            simpleNP(second, number(&rng), &b, &rng)
            predicate(head: first, number: .plural, &b, &rng)
            b.add(".")
        default:
            let noun = nounOf(Self.animate, &rng)
            let n = number(&rng)
            simpleNP(noun, n, &b, &rng, adjectiveChance: 0.5)
            let verb = rng.pick(intransitive.filter { $0.subjects.contains(noun.kind) })
            b.add(verb.present(n))
            if rng.chance(0.5) { b.add(rng.pick(adverbials).split(separator: " ").map(String.init)) }
            b.add(".")
        }
        return b.tokens
    }

    // MARK: - Agreement items

    /// One fill-in-the-blank item: the sentence with `___`, the answer, the candidates, the
    /// distance from the subject's head noun to the blank, the attractor count, and the
    /// construction. Also the full sentence, to keep items out of the training text.
    struct Item {
        var blanked: [String]
        var answer: String
        var candidates: [String]
        var distance: Int
        var attractors: Int
        var construction: String
        var full: [String]

        var line: String {
            [blanked.joined(separator: " "), answer, candidates.joined(separator: ","),
             String(distance), String(attractors), construction].joined(separator: "\t")
        }
    }

    /// A verb agreement item with the given modifier between subject and verb.
    func verbItem(_ modifier: Modifier, _ rng: inout RandomGenerator) -> Item? {
        var b = Builder()
        let kinds: [Kind] = rng.chance(0.2) ? [.thing] : Self.animate
        let s = subject(kinds, modifier: modifier, &b, &rng, pastOnly: true)
        return verbItem(finishing: &b, subject: s, construction: modifier.rawValue, &rng)
    }

    /// Adds a present-tense predicate and the period to `b`, whose subject is `s`, and blanks its
    /// verb; nil when no agreeing verb came out.
    func verbItem(finishing b: inout Builder, subject s: (noun: Noun, number: Number, index: Int), construction: String,
                  _ rng: inout RandomGenerator) -> Item? {
        guard let verb = predicate(head: s.noun, number: s.number, &b, &rng, allowPast: false) else { return nil }
        b.add(".")
        let attractors = b.nouns.filter { $0.index > s.index && $0.index < verb.index && $0.number != s.number }.count
        var blanked = b.tokens
        let answer = blanked[verb.index]
        blanked[verb.index] = "___"
        return Item(blanked: blanked, answer: answer, candidates: [verb.pair.0, verb.pair.1],
                    distance: verb.index - s.index, attractors: attractors, construction: construction,
                    full: b.tokens)
    }

    // MARK: - Long-range agreement (toy-en-long)

    /// What a chain of modifiers is made of: each adds 3 to 6 tokens, none says the head's number.
    static let chainLinks: [Modifier] = [.pp, .subjectRelative, .objectRelative, .parenthesis]

    /// A subject noun phrase followed by `links` modifiers one after another, every verb in them
    /// in the past tense: the head noun is the only word that tells the number of the verb
    /// that follows, however far away it is.
    func chainedSubject(_ kinds: [Kind], links: Int, _ b: inout Builder,
                        _ rng: inout RandomGenerator) -> (noun: Noun, number: Number, index: Int) {
        let s = subject(kinds, modifier: .none, &b, &rng)
        for _ in 0..<links {
            addModifier(rng.pick(Self.chainLinks), head: s.noun, headNumber: s.number, &b, &rng, pastOnly: true)
        }
        return s
    }

    /// One sentence of toy-en-long: a quarter are toy-en sentences, the rest a subject with
    /// 0...`maxLinks` chained modifiers (uniformly) and its predicate.
    func longSentence(maxLinks: Int, _ rng: inout RandomGenerator) -> [String] {
        if rng.chance(0.25) { return sentence(&rng) }
        var b = Builder()
        let kinds: [Kind] = rng.chance(0.2) ? [.thing] : Self.animate
        let s = chainedSubject(kinds, links: rng.below(maxLinks + 1), &b, &rng)
        predicate(head: s.noun, number: s.number, &b, &rng)
        b.add(".")
        return b.tokens
    }

    /// A verb agreement item whose subject carries `links` chained modifiers (construction
    /// `links-N`).
    func longVerbItem(links: Int, _ rng: inout RandomGenerator) -> Item? {
        var b = Builder()
        let kinds: [Kind] = rng.chance(0.2) ? [.thing] : Self.animate
        let s = chainedSubject(kinds, links: links, &b, &rng)
        return verbItem(finishing: &b, subject: s, construction: "links-\(links)", &rng)
    }

    /// A pronoun ("said that ___ ...") or reflexive ("saw ___ in the mirror") item; the subject
    /// is a person of known gender, or plural.
    func pronounItem(reflexive: Bool, _ modifier: Modifier, _ rng: inout RandomGenerator) -> Item? {
        var b = Builder()
        let s = subject([.person], modifier: modifier, &b, &rng, pastOnly: true)
        let pronoun = Self.pronoun(s.noun, s.number)
        guard pronoun != "he/she" else { return nil }
        let index: Int
        let candidates: [String]
        let answer: String
        if reflexive {
            b.add(rng.pick(reflexiveVerbs))
            index = b.tokens.count
            answer = Self.reflexive[pronoun] ?? "themselves"
            candidates = ["himself", "herself", "themselves"]
            b.add(answer)
            if rng.chance(0.5) { b.add("in", "the", "mirror") }
        } else {
            b.add(rng.pick(speechVerbs), "that")
            index = b.tokens.count
            answer = pronoun
            candidates = ["he", "she", "they"]
            b.add(answer)
            // A past-tense verb after the pronoun: "was"/"were" would give the answer away.
            b.add(rng.pick(transitive).past)
            randomNP(Self.anyKind, &b, &rng)
        }
        b.add(".")
        let attractors = b.nouns.filter { $0.index > s.index && $0.index < index && $0.pronoun != pronoun }.count
        var blanked = b.tokens
        blanked[index] = "___"
        return Item(blanked: blanked, answer: answer, candidates: candidates, distance: index - s.index,
                    attractors: attractors, construction: reflexive ? "reflexive" : "pronoun", full: b.tokens)
    }
}
