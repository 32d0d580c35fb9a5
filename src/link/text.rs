//! Text normalisation for linking: words → stems → canonical terms.
//!
//! Later reports rarely repeat an earlier report's words, so linking compares
//! *terms*, not words:
//!
//! 1. words are runs of alphanumeric characters, lower-cased; one-character
//!    tokens (the `s` of `children's`) are dropped;
//! 2. each distinct word is stemmed once with tantivy's English (Snowball)
//!    stemmer, the same analyzer the search index uses;
//! 3. stems are mapped through a small synonym table ([`SYNONYMS`]) so that
//!    e.g. `supervisors`, `supervisory`, `sergeant` all become `supervis`;
//! 4. multi-word phrases ([`PHRASES`]) are collapsed into one concept term
//!    (`share information`, `data sharing` → `info_sharing`), matched on the
//!    canonical terms so inflections do not matter;
//! 5. English stop words ([`STOP_WORDS`]), the genre's boilerplate
//!    ([`GENRE_WORDS`]: force, police, inspection, should, ensure, improve …),
//!    numbers and single letters are dropped.
//!
//! The vocabulary is built per batch and term ids are assigned in sorted order,
//! so ids (and everything computed from them) do not depend on input order.

use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer, TokenStream};

/// English function words (Lucene's list extended with pronouns, auxiliaries
/// and the stubs left by splitting contractions: `don't` → `don`).
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "couldn",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "either",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "wasn",
    "we",
    "were",
    "weren",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "won",
    "would",
    "wouldn",
    "yet",
    "you",
    "your",
    "yours",
];

/// Boilerplate of inspection reports: words that occur in most statements of
/// every kind and say nothing about *which* shortcoming is meant. Compared on
/// stems, so `improve`, `improvement`, `improving` all go.
pub const GENRE_WORDS: &[&str] = &[
    "force",
    "police",
    "policing",
    "constabulary",
    "inspection",
    "inspect",
    "inspectorate",
    "inspector",
    "hmicfrs",
    "hmic",
    "report",
    "found",
    "find",
    "finding",
    "should",
    "ensure",
    "improve",
    "improvement",
    "area",
    "need",
    "must",
    "make",
    "sure",
    "continue",
    "recommend",
    "recommendation",
    "cause",
    "concern",
    "month",
    "months",
    "immediately",
    "chief",
    "constable",
    "effective",
    "effectively",
    "consider",
    "including",
    "particular",
    "particularly",
    "always",
    "often",
    "many",
    "several",
    "still",
    "currently",
    "take",
    "steps",
    "assure",
    "itself",
    "identified",
    "year",
    "years",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    // status vocabulary of back-references ("has not been met", "partially
    // met") and "the Met" (a force name, not content)
    "met",
    "partially",
    "fully",
];

/// Single-word synonyms: `(canonical, variants)`. Every variant's stem is
/// replaced by the canonical word's stem (or by the canonical string itself
/// when it contains `_`, i.e. names a concept of [`PHRASES`]).
pub const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "supervision",
        &[
            "supervisor",
            "supervisors",
            "supervisory",
            "supervise",
            "supervised",
            "supervising",
            "sergeant",
            "sergeants",
        ],
    ),
    // "not consistently" and "inconsistent" describe the same shortcoming.
    (
        "consistent",
        &[
            "inconsistent",
            "inconsistently",
            "inconsistency",
            "consistency",
        ],
    ),
    (
        "delay",
        &[
            "delays",
            "delayed",
            "timely",
            "untimely",
            "timeliness",
            "promptly",
            "backlog",
            "backlogs",
        ],
    ),
    ("child", &["children", "juvenile", "juveniles"]),
    ("partner", &["partnership", "partnerships"]),
    (
        "missing_children",
        &["missing", "absent", "absence", "absences"],
    ),
    ("cse", &[]),
    // CID is the detectives' department.
    ("detective", &["detectives", "cid"]),
    // A board that oversees an area of work is its governance.
    ("governance", &["board", "boards"]),
    ("wellbeing", &["welfare"]),
    // The genre's acronyms, mapped to the concept they name.
    ("risk_assessment", &["dash"]),
    ("crime_recording", &["cdi", "ncrs", "hocr"]),
    ("victims_code", &["vcop"]),
    ("county_lines", &["cce"]),
    ("info_sharing", &["mash"]),
    ("sex_offender", &["visor", "mappa", "rso", "rsos"]),
    ("domestic_abuse", &["vawg"]),
];

/// Multi-word phrases collapsed into one concept: `(words, concept)`. Words
/// are normalised like any text (stemmed, synonyms applied) before matching,
/// so `sharing information` matches `share information`. The concept is kept
/// verbatim when it contains `_`, otherwise it is normalised like a word.
pub const PHRASES: &[(&str, &str)] = &[
    ("supervisory oversight", "supervision"),
    ("supervisory review", "supervision"),
    ("line manager", "supervision"),
    ("line managers", "supervision"),
    ("first line supervisors", "supervision"),
    ("information sharing", "info_sharing"),
    ("share information", "info_sharing"),
    ("sharing of information", "info_sharing"),
    ("exchange of information", "info_sharing"),
    ("exchange information", "info_sharing"),
    ("data sharing", "info_sharing"),
    ("share data", "info_sharing"),
    ("sharing of data", "info_sharing"),
    ("information with partners", "info_sharing"),
    ("children's social care", "social_care"),
    ("children's services", "social_care"),
    ("social services", "social_care"),
    ("social care", "social_care"),
    ("social workers", "social_care"),
    ("social worker", "social_care"),
    ("local authority", "social_care"),
    ("missing children", "missing_children"),
    ("missing child", "missing_children"),
    ("children who go missing", "missing_children"),
    ("children who are missing", "missing_children"),
    ("children missing", "missing_children"),
    ("go missing", "missing_children"),
    ("went missing", "missing_children"),
    ("reported missing", "missing_children"),
    ("missing from home", "missing_children"),
    ("missing from care", "missing_children"),
    ("missing persons", "missing_children"),
    ("missing people", "missing_children"),
    ("young people", "child"),
    ("young person", "child"),
    ("domestic abuse", "domestic_abuse"),
    ("domestic violence", "domestic_abuse"),
    ("child sexual exploitation", "cse"),
    ("sexual exploitation", "cse"),
    ("risk assessment", "risk_assessment"),
    ("risk assessments", "risk_assessment"),
    ("assess risk", "risk_assessment"),
    ("assessing risk", "risk_assessment"),
    ("assessment of risk", "risk_assessment"),
    ("call handling", "call_handling"),
    ("call handlers", "call_handling"),
    ("call handler", "call_handling"),
    ("answer calls", "call_handling"),
    ("answering calls", "call_handling"),
    ("emergency calls", "call_handling"),
    ("999 calls", "call_handling"),
    ("101 calls", "call_handling"),
    ("calls for service", "call_handling"),
    ("control room", "call_handling"),
    ("crime recording", "crime_recording"),
    ("record crime", "crime_recording"),
    ("recording of crime", "crime_recording"),
    ("recorded crime", "crime_recording"),
    ("crime data integrity", "crime_recording"),
    ("investigation plan", "investigation_plan"),
    ("investigation plans", "investigation_plan"),
    ("investigative plan", "investigation_plan"),
    ("investigative plans", "investigation_plan"),
    ("quality assurance", "quality_assurance"),
    ("quality assure", "quality_assurance"),
    ("victims code", "victims_code"),
    ("victims' code", "victims_code"),
    ("code of practice for victims", "victims_code"),
    ("stop and search", "stop_search"),
    ("use of force", "use_of_force"),
    ("body worn video", "body_worn_video"),
    ("body worn cameras", "body_worn_video"),
    ("early help", "early_intervention"),
    ("abandoned calls", "call_handling"),
    ("counting rules", "crime_recording"),
    ("multi agency safeguarding hub", "info_sharing"),
    ("violence against women and girls", "domestic_abuse"),
    ("early intervention", "early_intervention"),
    ("multi agency", "partner"),
    ("partner agencies", "partner"),
    ("partnership working", "partner"),
    ("well being", "wellbeing"),
    ("sex offenders", "sex_offender"),
    ("sex offender", "sex_offender"),
    ("sexual offenders", "sex_offender"),
    ("county lines", "county_lines"),
    ("criminal exploitation", "county_lines"),
    ("counter corruption", "counter_corruption"),
    ("anti corruption", "counter_corruption"),
    ("professional standards", "professional_standards"),
    ("neighbourhood policing", "neighbourhood"),
    ("response times", "response_times"),
    ("attendance times", "response_times"),
    // A child's earlier missing episodes: the "history" risk grading must use.
    ("missing history", "missing_history"),
    ("history of going missing", "missing_history"),
    ("history of missing", "missing_history"),
    ("previous missing episodes", "missing_history"),
    ("previous episodes", "missing_history"),
    ("earlier episodes", "missing_history"),
    ("repeat missing episodes", "missing_history"),
    ("repeatedly missing", "missing_history"),
    ("risk grading", "risk_assessment"),
    ("grading the risk", "risk_assessment"),
    ("grading of risk", "risk_assessment"),
    ("risk was graded", "risk_assessment"),
    ("graded the risk", "risk_assessment"),
    ("chief officer", "chief_officer"),
    ("chief officers", "chief_officer"),
    ("chief officer team", "chief_officer"),
    ("chief constable", "chief_officer"),
    ("assistant chief constable", "chief_officer"),
    ("deputy chief constable", "chief_officer"),
    ("governance arrangements", "governance"),
    ("governance structure", "governance"),
];

/// Calls `f` with each word of `text`: a run of alphanumeric characters,
/// lower-cased, at least two characters long.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    let mut chars = 0usize;
    for c in text.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                buf.push(l);
            }
            chars += 1;
        } else {
            if chars >= 2 {
                f(&buf);
            }
            buf.clear();
            chars = 0;
        }
    }
    if chars >= 2 {
        f(&buf);
    }
}

/// Add the distinct words of `text` to `set`.
pub fn add_words(set: &mut HashSet<String>, text: &str) {
    for_each_word(text, |w| {
        if !set.contains(w) {
            set.insert(w.to_string());
        }
    });
}

/// Union of two word sets (the larger one is extended).
pub fn merge_words(a: HashSet<String>, b: HashSet<String>) -> HashSet<String> {
    let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    big.extend(small);
    big
}

/// English Snowball stemmer through tantivy's analyzer.
pub struct StemFn(TextAnalyzer);

impl Default for StemFn {
    fn default() -> Self {
        StemFn(
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        )
    }
}

impl StemFn {
    /// Stem one lower-cased word.
    pub fn stem(&mut self, word: &str) -> String {
        let mut ts = self.0.token_stream(word);
        if ts.advance() {
            ts.token().text.clone()
        } else {
            word.to_string()
        }
    }
}

#[derive(Clone, Copy)]
struct WordInfo {
    term: u32,
    stop: bool,
}

/// The batch's vocabulary: word → canonical term, phrase table, term strings.
pub struct Lexicon {
    /// Term strings by id (sorted, so ids are input-order independent).
    pub terms: Vec<String>,
    words: HashMap<String, WordInfo>,
    /// First term of a phrase → (phrase terms, concept term), longest first.
    phrases: HashMap<u32, Vec<(Vec<u32>, u32)>>,
}

fn table_words() -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &str| for_each_word(s, |w| out.push(w.to_string()));
    for w in GENRE_WORDS {
        push(w);
    }
    for (c, vs) in SYNONYMS {
        if !c.contains('_') {
            push(c);
        }
        for v in *vs {
            push(v);
        }
    }
    for (p, c) in PHRASES {
        push(p);
        if !c.contains('_') {
            push(c);
        }
    }
    out
}

impl Lexicon {
    /// Build the vocabulary of `texts` (plus the words of the tables above).
    pub fn build(texts: &[&str]) -> Lexicon {
        let distinct: HashSet<String> = texts
            .par_iter()
            .fold(HashSet::new, |mut set: HashSet<String>, t| {
                add_words(&mut set, t);
                set
            })
            .reduce(HashSet::new, merge_words);
        Lexicon::from_words(distinct)
    }

    /// Build the vocabulary from the distinct words of the texts to be
    /// analysed (gathered with [`add_words`] and [`merge_words`]), plus the
    /// words of the tables above.
    pub fn from_words(mut distinct: HashSet<String>) -> Lexicon {
        distinct.extend(table_words());
        let mut words: Vec<String> = distinct.into_iter().collect();
        words.sort_unstable();

        // 2. stem each distinct word once.
        let stems: Vec<String> = words
            .par_chunks(4096)
            .flat_map_iter(|chunk| {
                let mut st = StemFn::default();
                chunk.iter().map(move |w| st.stem(w)).collect::<Vec<_>>()
            })
            .collect();
        let stem_of: HashMap<&str, &str> = words
            .iter()
            .zip(&stems)
            .map(|(w, s)| (w.as_str(), s.as_str()))
            .collect();
        let stem1 = |w: &str| -> String {
            let mut s = String::new();
            for_each_word(w, |x| {
                s = stem_of.get(x).map(|s| s.to_string()).unwrap_or_default()
            });
            s
        };

        // 3. synonyms on stems.
        let canon = |c: &str| -> String {
            if c.contains('_') {
                c.to_string()
            } else {
                stem1(c)
            }
        };
        let mut syn: HashMap<String, String> = HashMap::new();
        for (c, vs) in SYNONYMS {
            let ct = canon(c);
            if !c.contains('_') {
                syn.insert(stem1(c), ct.clone());
            }
            for v in *vs {
                syn.insert(stem1(v), ct.clone());
            }
        }
        let term_of =
            |stem: &str| -> String { syn.get(stem).cloned().unwrap_or_else(|| stem.to_string()) };

        let stop: HashSet<&str> = STOP_WORDS.iter().copied().collect();
        let genre: HashSet<String> = GENRE_WORDS.iter().map(|w| stem1(w)).collect();

        // 4. term ids in sorted order.
        let word_terms: Vec<String> = stems.iter().map(|s| term_of(s)).collect();
        let mut all_terms: Vec<String> = word_terms.clone();
        for (_, c) in PHRASES {
            all_terms.push(canon(c));
        }
        for (c, _) in SYNONYMS {
            all_terms.push(canon(c));
        }
        all_terms.sort_unstable();
        all_terms.dedup();
        let term_id: HashMap<&str, u32> = all_terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect();

        let mut winfo: HashMap<String, WordInfo> = HashMap::with_capacity(words.len());
        for ((w, s), t) in words.iter().zip(&stems).zip(&word_terms) {
            let is_stop = stop.contains(w.as_str())
                || genre.contains(s)
                || w.chars().all(|c| c.is_ascii_digit())
                || s.chars().count() < 2;
            winfo.insert(
                w.clone(),
                WordInfo {
                    term: term_id[t.as_str()],
                    stop: is_stop,
                },
            );
        }

        // 5. phrases as term sequences.
        let mut phrases: HashMap<u32, Vec<(Vec<u32>, u32)>> = HashMap::new();
        for (p, c) in PHRASES {
            let mut seq = Vec::new();
            for_each_word(p, |w| seq.push(winfo[w].term));
            let concept = term_id[canon(c).as_str()];
            if let Some(&first) = seq.first() {
                phrases.entry(first).or_default().push((seq, concept));
            }
        }
        for v in phrases.values_mut() {
            v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
            v.dedup();
        }

        Lexicon {
            terms: all_terms,
            words: winfo,
            phrases,
        }
    }

    /// Content terms of `text`, in order, repeats kept. Words the lexicon was
    /// not built with are skipped (build it from every text to be analysed).
    pub fn analyze(&self, text: &str) -> Vec<u32> {
        let mut toks: Vec<WordInfo> = Vec::new();
        for_each_word(text, |w| {
            if let Some(i) = self.words.get(w) {
                toks.push(*i);
            }
        });
        let mut out = Vec::with_capacity(toks.len());
        let mut i = 0;
        'outer: while i < toks.len() {
            if let Some(pats) = self.phrases.get(&toks[i].term) {
                for (pat, concept) in pats {
                    if i + pat.len() <= toks.len()
                        && pat.iter().zip(&toks[i..]).all(|(p, t)| *p == t.term)
                    {
                        out.push(*concept);
                        i += pat.len();
                        continue 'outer;
                    }
                }
            }
            if !toks[i].stop {
                out.push(toks[i].term);
            }
            i += 1;
        }
        out
    }

    /// The string of a term id.
    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lex: &Lexicon, s: &str) -> Vec<String> {
        lex.analyze(s)
            .into_iter()
            .map(|t| lex.term(t).to_string())
            .collect()
    }

    #[test]
    fn synonyms_and_phrases_normalise_paraphrases() {
        let texts = [
            "Supervisors do not consistently review investigation plans.",
            "Supervisory oversight remains inconsistent.",
            "The force should share information with children's social care.",
            "Data sharing with social services is poor.",
            "Children who go missing are not always found.",
            "DASH forms are checked by the multi-agency safeguarding hub",
        ];
        let lex = Lexicon::build(&texts);
        let a = terms(&lex, texts[0]);
        assert_eq!(a, ["supervis", "consist", "review", "investigation_plan"]);
        let b = terms(&lex, texts[1]);
        assert_eq!(b, ["supervis", "remain", "consist"]);
        let c = terms(&lex, texts[2]);
        assert!(c.contains(&"info_sharing".to_string()), "{c:?}");
        assert!(c.contains(&"social_care".to_string()), "{c:?}");
        assert!(!c.contains(&"forc".to_string()), "{c:?}");
        let d = terms(&lex, texts[3]);
        assert!(d.contains(&"info_sharing".to_string()) && d.contains(&"social_care".to_string()));
        let e = terms(&lex, texts[4]);
        assert_eq!(e[0], "missing_children");
        let f = terms(
            &lex,
            "DASH forms are checked by the multi-agency safeguarding hub",
        );
        assert_eq!(f, ["risk_assessment", "form", "check", "info_sharing"]);
    }

    #[test]
    fn words_are_lowercased_alphanumeric_runs() {
        let mut v = Vec::new();
        for_each_word("Children's multi-agency 999 A b", |w| v.push(w.to_string()));
        assert_eq!(v, ["children", "multi", "agency", "999"]);
    }
}
