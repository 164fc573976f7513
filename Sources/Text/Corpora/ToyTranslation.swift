import Support

/// The grammar behind `corpora/toy-en-fr`: one meaning rendered as an English sentence and a
/// French-like one, so a translation model must learn what French does differently —
/// gendered articles (le/la/l'/les, un/une), adjectives after the noun (most) or before it (a
/// few, with agreement in gender and number), verb agreement in person and number, compound
/// past tenses whose participle agrees with the subject after "être", negation around the verb
/// (ne … pas), elision and contraction (l'homme, n'a, du, aux), possessives turned around
/// ("the teacher's cat" → "le chat du professeur") and sides of different lengths ("will eat"
/// → "mangera", "in front of" → "devant", "does" → "est-ce que").
///
/// Sentences are lowercase (but "I") and written as text, with the spacing the Detokenizer
/// produces (French spacing before "?"), so tokenizing them with the locale's tokenizer gives
/// back the generator's tokens.
struct ToyTranslation {
    enum Kind: Equatable { case person, animal, food, thing }

    struct Noun {
        var english: (String, String)
        var french: (String, String)
        var feminine: Bool
        var kind: Kind
        /// Only things that can be opened, read, written...
        var tags: Set<String> = []
    }

    struct Adjective {
        var english: String
        /// Masculine singular, feminine singular, masculine plural, feminine plural.
        var french: [String]
        /// Goes before the noun (petit, grand, ...); most French adjectives follow it.
        var before = false
        /// Masculine singular before a vowel (vieil, nouvel, bel).
        var beforeVowel: String? = nil
        var animateOnly = false
        /// Colours and the like, said of animals and things but not of people.
        var notOfPeople = false
    }

    enum Person: Int { case first = 0, third = 1, firstPlural = 2, secondPlural = 3, thirdPlural = 4 }

    struct Verb {
        var english: (base: String, third: String, past: String)
        /// What follows the English verb ("look for").
        var particle: String? = nil
        /// Present by person (je, il, nous, vous, ils), participle, future by person.
        var present: [String]
        var participle: String
        var future: [String]
        var withEtre = false
        /// Object kinds (empty: intransitive) and object tag, if any.
        var objects: [Kind] = []
        var objectTag: String? = nil
        var subjects: [Kind] = [.person, .animal]
    }

    static func noun(_ en: String, _ enPl: String, _ fr: String, _ frPl: String, _ feminine: Bool,
                     _ kind: Kind, _ tags: Set<String> = []) -> Noun {
        Noun(english: (en, enPl), french: (fr, frPl), feminine: feminine, kind: kind, tags: tags)
    }

    let nouns: [Noun] = [
        noun("cat", "cats", "chat", "chats", false, .animal),
        noun("dog", "dogs", "chien", "chiens", false, .animal),
        noun("bird", "birds", "oiseau", "oiseaux", false, .animal),
        noun("mouse", "mice", "souris", "souris", true, .animal),
        noun("horse", "horses", "cheval", "chevaux", false, .animal),
        noun("cow", "cows", "vache", "vaches", true, .animal),
        noun("boy", "boys", "garçon", "garçons", false, .person),
        noun("girl", "girls", "fille", "filles", true, .person),
        noun("man", "men", "homme", "hommes", false, .person),
        noun("woman", "women", "femme", "femmes", true, .person),
        noun("child", "children", "enfant", "enfants", false, .person),
        noun("teacher", "teachers", "professeur", "professeurs", false, .person),
        noun("friend", "friends", "ami", "amis", false, .person),
        noun("student", "students", "étudiante", "étudiantes", true, .person),
        noun("neighbour", "neighbours", "voisin", "voisins", false, .person),
        noun("apple", "apples", "pomme", "pommes", true, .food),
        noun("cake", "cakes", "gâteau", "gâteaux", false, .food),
        noun("orange", "oranges", "orange", "oranges", true, .food),
        noun("egg", "eggs", "œuf", "œufs", false, .food),
        noun("book", "books", "livre", "livres", false, .thing, ["open", "read", "write"]),
        noun("letter", "letters", "lettre", "lettres", true, .thing, ["open", "read", "write"]),
        noun("house", "houses", "maison", "maisons", true, .thing),
        noun("car", "cars", "voiture", "voitures", true, .thing),
        noun("table", "tables", "table", "tables", true, .thing),
        noun("door", "doors", "porte", "portes", true, .thing, ["open"]),
        noun("window", "windows", "fenêtre", "fenêtres", true, .thing, ["open"]),
        noun("tree", "trees", "arbre", "arbres", false, .thing),
        noun("garden", "gardens", "jardin", "jardins", false, .thing),
        noun("key", "keys", "clé", "clés", true, .thing),
        noun("chair", "chairs", "chaise", "chaises", true, .thing),
        noun("bottle", "bottles", "bouteille", "bouteilles", true, .thing, ["open"]),
        noun("hat", "hats", "chapeau", "chapeaux", false, .thing),
        noun("umbrella", "umbrellas", "parapluie", "parapluies", false, .thing, ["open"]),
        noun("box", "boxes", "boîte", "boîtes", true, .thing, ["open"]),
    ]

    let adjectives: [Adjective] = [
        Adjective(english: "black", french: ["noir", "noire", "noirs", "noires"], notOfPeople: true),
        Adjective(english: "white", french: ["blanc", "blanche", "blancs", "blanches"], notOfPeople: true),
        Adjective(english: "red", french: ["rouge", "rouge", "rouges", "rouges"], notOfPeople: true),
        Adjective(english: "green", french: ["vert", "verte", "verts", "vertes"], notOfPeople: true),
        Adjective(english: "blue", french: ["bleu", "bleue", "bleus", "bleues"], notOfPeople: true),
        Adjective(english: "heavy", french: ["lourd", "lourde", "lourds", "lourdes"]),
        Adjective(english: "happy", french: ["heureux", "heureuse", "heureux", "heureuses"], animateOnly: true),
        Adjective(english: "tired", french: ["fatigué", "fatiguée", "fatigués", "fatiguées"], animateOnly: true),
        Adjective(english: "lazy", french: ["paresseux", "paresseuse", "paresseux", "paresseuses"], animateOnly: true),
        Adjective(english: "clever", french: ["intelligent", "intelligente", "intelligents", "intelligentes"], animateOnly: true),
        Adjective(english: "small", french: ["petit", "petite", "petits", "petites"], before: true),
        Adjective(english: "big", french: ["grand", "grande", "grands", "grandes"], before: true),
        Adjective(english: "young", french: ["jeune", "jeune", "jeunes", "jeunes"], before: true, animateOnly: true),
        Adjective(english: "pretty", french: ["joli", "jolie", "jolis", "jolies"], before: true),
        Adjective(english: "old", french: ["vieux", "vieille", "vieux", "vieilles"], before: true, beforeVowel: "vieil"),
        Adjective(english: "new", french: ["nouveau", "nouvelle", "nouveaux", "nouvelles"], before: true, beforeVowel: "nouvel"),
        Adjective(english: "beautiful", french: ["beau", "belle", "beaux", "belles"], before: true, beforeVowel: "bel"),
    ]

    static let animate: [Kind] = [.person, .animal]

    let verbs: [Verb] = [
        Verb(english: ("eat", "eats", "ate"), present: ["mange", "mange", "mangeons", "mangez", "mangent"],
             participle: "mangé", future: ["mangerai", "mangera", "mangerons", "mangerez", "mangeront"], objects: [.food]),
        Verb(english: ("see", "sees", "saw"), present: ["vois", "voit", "voyons", "voyez", "voient"],
             participle: "vu", future: ["verrai", "verra", "verrons", "verrez", "verront"], objects: [.person, .animal, .food, .thing]),
        Verb(english: ("like", "likes", "liked"), present: ["aime", "aime", "aimons", "aimez", "aiment"],
             participle: "aimé", future: ["aimerai", "aimera", "aimerons", "aimerez", "aimeront"], objects: [.person, .animal, .food, .thing]),
        Verb(english: ("find", "finds", "found"), present: ["trouve", "trouve", "trouvons", "trouvez", "trouvent"],
             participle: "trouvé", future: ["trouverai", "trouvera", "trouverons", "trouverez", "trouveront"], objects: [.animal, .food, .thing]),
        Verb(english: ("take", "takes", "took"), present: ["prends", "prend", "prenons", "prenez", "prennent"],
             participle: "pris", future: ["prendrai", "prendra", "prendrons", "prendrez", "prendront"], objects: [.food, .thing], subjects: [.person]),
        Verb(english: ("look", "looks", "looked"), particle: "for", present: ["cherche", "cherche", "cherchons", "cherchez", "cherchent"],
             participle: "cherché", future: ["chercherai", "cherchera", "chercherons", "chercherez", "chercheront"], objects: [.person, .animal, .thing]),
        Verb(english: ("watch", "watches", "watched"), present: ["regarde", "regarde", "regardons", "regardez", "regardent"],
             participle: "regardé", future: ["regarderai", "regardera", "regarderons", "regarderez", "regarderont"], objects: [.person, .animal, .thing]),
        Verb(english: ("open", "opens", "opened"), present: ["ouvre", "ouvre", "ouvrons", "ouvrez", "ouvrent"],
             participle: "ouvert", future: ["ouvrirai", "ouvrira", "ouvrirons", "ouvrirez", "ouvriront"], objects: [.thing], objectTag: "open", subjects: [.person]),
        Verb(english: ("carry", "carries", "carried"), present: ["porte", "porte", "portons", "portez", "portent"],
             participle: "porté", future: ["porterai", "portera", "porterons", "porterez", "porteront"], objects: [.food, .thing], subjects: [.person]),
        Verb(english: ("read", "reads", "read"), present: ["lis", "lit", "lisons", "lisez", "lisent"],
             participle: "lu", future: ["lirai", "lira", "lirons", "lirez", "liront"], objects: [.thing], objectTag: "read", subjects: [.person]),
        Verb(english: ("write", "writes", "wrote"), present: ["écris", "écrit", "écrivons", "écrivez", "écrivent"],
             participle: "écrit", future: ["écrirai", "écrira", "écrirons", "écrirez", "écriront"], objects: [.thing], objectTag: "write", subjects: [.person]),
        Verb(english: ("sleep", "sleeps", "slept"), present: ["dors", "dort", "dormons", "dormez", "dorment"],
             participle: "dormi", future: ["dormirai", "dormira", "dormirons", "dormirez", "dormiront"]),
        Verb(english: ("run", "runs", "ran"), present: ["cours", "court", "courons", "courez", "courent"],
             participle: "couru", future: ["courrai", "courra", "courrons", "courrez", "courront"]),
        Verb(english: ("sing", "sings", "sang"), present: ["chante", "chante", "chantons", "chantez", "chantent"],
             participle: "chanté", future: ["chanterai", "chantera", "chanterons", "chanterez", "chanteront"]),
        Verb(english: ("arrive", "arrives", "arrived"), present: ["arrive", "arrive", "arrivons", "arrivez", "arrivent"],
             participle: "arrivé", future: ["arriverai", "arrivera", "arriverons", "arriverez", "arriveront"], withEtre: true),
        Verb(english: ("leave", "leaves", "left"), present: ["pars", "part", "partons", "partez", "partent"],
             participle: "parti", future: ["partirai", "partira", "partirons", "partirez", "partiront"], withEtre: true),
        Verb(english: ("wait", "waits", "waited"), present: ["attends", "attend", "attendons", "attendez", "attendent"],
             participle: "attendu", future: ["attendrai", "attendra", "attendrons", "attendrez", "attendront"]),
        Verb(english: ("play", "plays", "played"), present: ["joue", "joue", "jouons", "jouez", "jouent"],
             participle: "joué", future: ["jouerai", "jouera", "jouerons", "jouerez", "joueront"]),
    ]

    static let avoir = ["ai", "a", "avons", "avez", "ont"]
    static let etre = ["suis", "est", "sommes", "êtes", "sont"]
    static let etreImperfect = ["étais", "était", "étions", "étiez", "étaient"]
    static let etreFuture = ["serai", "sera", "serons", "serez", "seront"]

    /// Prepositions of noun modifiers and adverbials: English words → French words. "de"
    /// contracts with the article that follows (du, des), "à" too (au, aux).
    let prepositions: [([String], [String])] = [
        (["in"], ["dans"]), (["near"], ["près", "de"]), (["behind"], ["derrière"]), (["under"], ["sous"]),
        (["with"], ["avec"]), (["in", "front", "of"], ["devant"]), (["next", "to"], ["à", "côté", "de"]),
        (["on"], ["sur"]),
    ]
    let adverbials: [([String], [String])] = [
        (["today"], ["aujourd'hui"]), (["every", "day"], ["chaque", "jour"]), (["in", "the", "morning"], ["le", "matin"]),
        (["at", "night"], ["la", "nuit"]), (["now"], ["maintenant"]), (["at", "home"], ["à", "la", "maison"]),
        (["at", "school"], ["à", "l'", "école"]), (["again"], ["encore"]), (["tomorrow"], ["demain"]),
        (["yesterday"], ["hier"]),
    ]

    enum Tense { case present, past, future }

    /// A sentence pair under construction, as tokens.
    struct Pair {
        var english: [String] = []
        var french: [String] = []
    }

    /// A noun phrase with its grammatical features in French.
    struct Phrase {
        var english: [String]
        var french: [String]
        var feminine: Bool
        var plural: Bool
        var kind: Kind
    }

    // MARK: - Noun phrases

    static func startsWithVowel(_ word: String) -> Bool {
        guard let c = word.first else { return false }
        return "aeiouyéèêâîôûœh".contains(c)
    }

    /// Determiner + adjectives + noun (+ a possessor or modifier when allowed).
    func phrase(_ kinds: [Kind], tag: String? = nil, _ rng: inout RandomGenerator, modifiers: Bool) -> Phrase {
        let candidates = nouns.filter { noun in kinds.contains(noun.kind) && (tag.map { noun.tags.contains($0) } ?? true) }
        let noun = rng.pick(candidates)
        let plural = rng.chance(0.4)
        let animate = noun.kind == .person || noun.kind == .animal
        let usable = adjectives.filter { (!$0.animateOnly || animate) && !($0.notOfPeople && noun.kind == .person) }
        var before: Adjective?
        var after: Adjective?
        if rng.chance(0.35) {
            let first = rng.pick(usable)
            if first.before { before = first } else { after = first }
            if rng.chance(0.25) {
                let second = rng.pick(usable.filter { $0.before != first.before })
                if second.before { before = second } else { after = second }
            }
        }
        let formIndex = (plural ? 2 : 0) + (noun.feminine ? 1 : 0)
        let frNoun = plural ? noun.french.1 : noun.french.0
        var frBefore: [String] = []
        if let before {
            let vowelForm = !plural && !noun.feminine && Self.startsWithVowel(frNoun) ? before.beforeVowel : nil
            frBefore = [vowelForm ?? before.french[formIndex]]
        }
        let frAfter = after.map { [$0.french[formIndex]] } ?? []
        let enAdjectives = [before, after].compactMap { $0?.english }
        let enNoun = plural ? noun.english.1 : noun.english.0

        // Possessor: "the teacher's cat" → "le chat du professeur".
        if modifiers && noun.kind != .person && rng.chance(0.15) {
            let owner = rng.pick(nouns.filter { $0.kind == .person })
            let ownerWord = owner.english.0 + "'s"
            let mine = rng.chance(0.3)
            let english = [mine ? "my" : "the", ownerWord] + enAdjectives + [enNoun]
            let article = plural ? "les" : (noun.feminine ? "la" : "le")
            let ownerArticle = mine ? (owner.feminine && !Self.startsWithVowel(owner.french.0) ? "ma" : "mon") : (owner.feminine ? "la" : "le")
            let french = [article] + frBefore + [frNoun] + frAfter + ["de", ownerArticle, owner.french.0]
            return Phrase(english: english, french: french, feminine: noun.feminine, plural: plural, kind: noun.kind)
        }

        let (enDeterminer, frDeterminer) = determiner(noun: noun, plural: plural, next: frBefore.first ?? frNoun,
                                                      adjectiveFirst: !frBefore.isEmpty, &rng)
        var english = [enDeterminer] + enAdjectives + [enNoun]
        if enDeterminer == "a", let next = english.dropFirst().first, Self.startsWithVowel(next), next.first != "h" {
            english[0] = "an"
        }
        var french = [frDeterminer] + frBefore + [frNoun] + frAfter
        if modifiers && rng.chance(0.15) {
            let preposition = rng.pick(prepositions)
            let object = phrase([.thing, .animal, .person], &rng, modifiers: false)
            english += preposition.0 + object.english
            french += preposition.1 + object.french
        } else if modifiers && animate && rng.chance(0.1) {
            // Relative clause with an intransitive verb in the present: "that sleeps" → "qui dort".
            let verb = rng.pick(verbs.filter { $0.objects.isEmpty && $0.subjects.contains(noun.kind) })
            english += [noun.kind == .person ? "who" : "that", plural ? verb.english.base : verb.english.third]
            french += ["qui", verb.present[plural ? Person.thirdPlural.rawValue : Person.third.rawValue]]
        }
        return Phrase(english: english, french: french, feminine: noun.feminine, plural: plural, kind: noun.kind)
    }

    func determiner(noun: Noun, plural: Bool, next: String, adjectiveFirst: Bool,
                    _ rng: inout RandomGenerator) -> (String, String) {
        let vowel = Self.startsWithVowel(next)
        if plural {
            switch rng.weighted([5, 2, 1.5, 1, 1]) {
            case 0: return ("the", "les")
            // "des" becomes "de" before an adjective.
            case 1: return ("some", adjectiveFirst ? "de" : "des")
            case 2: return ("my", "mes")
            case 3: return ("these", "ces")
            default: return (rng.chance(0.5) ? ("two", "deux") : ("three", "trois"))
            }
        }
        switch rng.weighted([5, 3, 1.5, 1]) {
        case 0: return ("the", noun.feminine ? "la" : "le")
        case 1: return ("a", noun.feminine ? "une" : "un")
        case 2: return ("my", noun.feminine && !vowel ? "ma" : "mon")
        default: return ("this", noun.feminine ? "cette" : (vowel ? "cet" : "ce"))
        }
    }

    // MARK: - Clauses

    /// Subject: a noun phrase or a pronoun; returns the English and French tokens and the
    /// person, gender and number the verb and participle agree with.
    func subject(_ rng: inout RandomGenerator, allowFirstPerson: Bool)
        -> (english: [String], french: [String], person: Person, feminine: Bool, kind: Kind) {
        if rng.chance(0.25) {
            let pronouns: [(String, String, Person, Bool)] = allowFirstPerson
                ? [("I", "je", .first, false), ("you", "vous", .secondPlural, false), ("we", "nous", .firstPlural, false),
                   ("he", "il", .third, false), ("she", "elle", .third, true)]
                : [("he", "il", .third, false), ("she", "elle", .third, true)]
            let p = rng.pick(pronouns)
            return ([p.0], [p.1], p.2, p.3, .person)
        }
        let np = phrase(Self.animate, &rng, modifiers: true)
        return (np.english, np.french, np.plural ? .thirdPlural : .third, np.feminine, np.kind)
    }

    /// One sentence pair.
    func pair(_ rng: inout RandomGenerator) -> Pair {
        let question = rng.chance(0.15)
        let negated = rng.chance(0.25)
        let tense: Tense = [.present, .past, .future][rng.weighted([5, 3, 2])]
        let copula = rng.chance(0.2)
        let s = subject(&rng, allowFirstPerson: !copula)
        let englishThird = s.person == .third
        var english: [String] = []
        var french: [String] = []
        let p = s.person.rawValue
        let pluralSubject = s.person == .thirdPlural || s.person == .firstPlural || s.person == .secondPlural

        if copula {
            let adjective = rng.pick(adjectives.filter {
                (!$0.before || $0.english == "young" || $0.english == "old") && !($0.notOfPeople && s.kind == .person)
            })
            let predicate = adjective.french[(s.person == .thirdPlural ? 2 : 0) + (s.feminine ? 1 : 0)]
            let (enVerb, frVerb): ([String], String)
            switch tense {
            case .present: enVerb = [englishThird ? "is" : "are"]; frVerb = Self.etre[p]
            case .past: enVerb = [englishThird ? "was" : "were"]; frVerb = Self.etreImperfect[p]
            case .future: enVerb = ["will", "be"]; frVerb = Self.etreFuture[p]
            }
            if question {
                english = [enVerb[0]] + s.english + (negated ? ["not"] : []) + enVerb.dropFirst() + [adjective.english, "?"]
                french = ["est", "-", "ce", "que"] + s.french
            } else {
                english = s.english + [enVerb[0]] + (negated ? ["not"] : []) + enVerb.dropFirst() + [adjective.english]
                french = s.french
            }
            french += negated ? ["ne", frVerb, "pas", predicate] : [frVerb, predicate]
            french.append(question ? "?" : ".")
            if !question { english.append(".") }
            return Pair(english: english, french: contract(french))
        }

        let verb = rng.pick(verbs.filter { $0.subjects.contains(s.kind) })
        let englishVerb = englishVerbGroup(verb, tense: tense, third: englishThird, negated: negated, question: question)
        var frenchVerb: [String]
        switch tense {
        case .present:
            frenchVerb = [verb.present[p]]
        case .future:
            frenchVerb = [verb.future[p]]
        case .past:
            let auxiliary = verb.withEtre ? Self.etre[p] : Self.avoir[p]
            var participle = verb.participle
            if verb.withEtre {
                if s.feminine { participle += "e" }
                if pluralSubject { participle += "s" }
            }
            frenchVerb = [auxiliary, participle]
        }
        if negated {
            frenchVerb = ["ne", frenchVerb[0], "pas"] + frenchVerb.dropFirst()
        }
        if question {
            english = englishVerb.auxiliary + s.english + englishVerb.rest
            french = ["est", "-", "ce", "que"] + s.french + frenchVerb
        } else {
            english = s.english + englishVerb.auxiliary + englishVerb.rest
            french = s.french + frenchVerb
        }
        if !verb.objects.isEmpty {
            let object = phrase(verb.objects, tag: verb.objectTag, &rng, modifiers: true)
            english += object.english
            french += object.french
        } else if rng.chance(0.5) {
            let fitting = adverbials.filter { adverbial in
                switch adverbial.0 {
                case ["yesterday"]: return tense == .past
                case ["tomorrow"]: return tense == .future
                default: return true
                }
            }
            let adverbial = rng.chance(0.5) ? rng.pick(fitting) : placePhrase(&rng)
            english += adverbial.0
            french += adverbial.1
        }
        english.append(question ? "?" : ".")
        french.append(question ? "?" : ".")
        return Pair(english: english, french: contract(french))
    }

    /// "in the garden" / "dans le jardin".
    func placePhrase(_ rng: inout RandomGenerator) -> ([String], [String]) {
        let preposition = rng.pick(prepositions)
        let place = phrase([.thing], &rng, modifiers: false)
        return (preposition.0 + place.english, preposition.1 + place.french)
    }

    /// The English verb group: auxiliary part (moved before the subject in questions) and rest.
    func englishVerbGroup(_ verb: Verb, tense: Tense, third: Bool, negated: Bool, question: Bool)
        -> (auxiliary: [String], rest: [String]) {
        let particle = verb.particle.map { [$0] } ?? []
        let base = [verb.english.base] + particle
        switch tense {
        case .present:
            if negated || question {
                let auxiliary = third ? "does" : "do"
                return ([auxiliary], (negated ? ["not"] : []) + base)
            }
            return ([], [third ? verb.english.third : verb.english.base] + particle)
        case .past:
            if negated || question { return (["did"], (negated ? ["not"] : []) + base) }
            return ([], [verb.english.past] + particle)
        case .future:
            return (["will"], (negated ? ["not"] : []) + base)
        }
    }

    /// French elision and contraction over the tokens: le/la/de/que/ne/je before a vowel
    /// become l'/d'/qu'/n'/j'; then de le → du, de les → des, à le → au, à les → aux,
    /// de des → de.
    func contract(_ tokens: [String]) -> [String] {
        let elided = ["le": "l'", "la": "l'", "de": "d'", "que": "qu'", "ne": "n'", "je": "j'"]
        var out: [String] = []
        for (i, token) in tokens.enumerated() {
            if let short = elided[token], i + 1 < tokens.count, Self.startsWithVowel(tokens[i + 1]) {
                out.append(short)
            } else {
                out.append(token)
            }
        }
        var result: [String] = []
        for token in out {
            if let last = result.last {
                let merged: String?
                switch (last, token) {
                case ("de", "le"): merged = "du"
                case ("de", "les"): merged = "des"
                case ("à", "le"): merged = "au"
                case ("à", "les"): merged = "aux"
                case ("de", "des"): merged = "de"
                default: merged = nil
                }
                if let merged {
                    result[result.count - 1] = merged
                    continue
                }
            }
            result.append(token)
        }
        return result
    }
}
