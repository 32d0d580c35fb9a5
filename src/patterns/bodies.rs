//! The registry of inspected bodies: the 43 territorial police forces of England
//! and Wales, the national forces, the English fire and rescue services and the
//! local authorities of the Ofsted reports in the corpus, with their aliases.
//!
//! Data is `patterns/bodies.toml` (embedded). [`Bodies::find_all`] finds every
//! mention in a text (longest name wins; word boundaries; short capitalised
//! aliases such as `GMP` or `the Met` are case-sensitive so "met" the verb and
//! hospital "beds" are not forces). [`Bodies::resolve`] maps a user's spelling
//! (any case, "&" or "and", hyphen or space) to a body for CLI filters, and
//! [`Bodies::suggest`] offers a did-you-mean.
//!
//! It does not decide which body a report is *about*; the segmenter does, from
//! where the mentions are (cover, title).

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::model::BodyType;

/// The embedded registry file.
pub const BUILTIN_BODIES: &str = include_str!("../../patterns/bodies.toml");

/// Suffixes that make a bare place name a police force ("Greater Manchester"
/// + " Police").
const POLICE_SUFFIXES: &[&str] = &[
    "Police",
    "Constabulary",
    "Police Force",
    "Police Service",
    "police force area",
];

/// Suffixes that make a bare place name a fire and rescue service.
const FIRE_SUFFIXES: &[&str] = &[
    "Fire and Rescue Service",
    "Fire and Rescue",
    "Fire and Rescue Authority",
    "FRS",
    "Fire Service",
];

/// One inspected body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Canonical name (DOMAIN.md section 3 for police forces).
    pub canonical: String,
    /// What sort of body.
    pub body_type: BodyType,
    /// Bare place forms ("Greater Manchester"); in text they name the body only
    /// when followed by a suffix of its type ("Police", "Fire and Rescue
    /// Service", ...); [`Bodies::resolve`] accepts them alone.
    #[serde(default)]
    pub places: Vec<String>,
    /// Other names, matched case-insensitively.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Short forms matched case-sensitively in text (`GMP`, `the Met`, `Lancs`).
    #[serde(default)]
    pub exact: Vec<String>,
    /// Short forms accepted by [`Bodies::resolve`] only: too ambiguous in
    /// running text ("Central Beds Council", "Notts County", "North Herts").
    #[serde(default)]
    pub short: Vec<String>,
    /// Words that, right after a match, mean it is not this body ("Office"
    /// after "the Met").
    #[serde(default)]
    pub not_followed_by: Vec<String>,
}

impl Body {
    /// Lowercase hyphenated form of the canonical name, for file names and CLI.
    pub fn slug(&self) -> String {
        normalise(&self.canonical).replace(' ', "-")
    }

    /// Every name that finds this body in running text (canonical, aliases and
    /// place + suffix), not counting the case-sensitive `exact` forms.
    pub fn text_names(&self) -> Vec<String> {
        let mut v = vec![self.canonical.clone()];
        v.extend(self.aliases.iter().cloned());
        let suffixes: &[&str] = match self.body_type {
            BodyType::PoliceForce => POLICE_SUFFIXES,
            BodyType::FireAndRescueService => FIRE_SUFFIXES,
            _ => &[],
        };
        for p in &self.places {
            for s in suffixes {
                v.push(format!("{p} {s}"));
            }
        }
        v
    }
}

/// One mention of a body in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyMatch<'a> {
    /// Canonical name.
    pub canonical: &'a str,
    /// Type of body.
    pub body_type: BodyType,
    /// Byte offsets of the mention.
    pub span: [usize; 2],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBodies {
    body: Vec<Body>,
}

/// A problem with a bodies file.
#[derive(Debug, thiserror::Error)]
#[error("bodies.toml: {0}")]
pub struct BodiesError(String);

/// The compiled registry.
#[derive(Debug, Clone)]
pub struct Bodies {
    bodies: Vec<Body>,
    /// Case-insensitive names, longest first.
    folded: Regex,
    /// Case-sensitive short forms, longest first.
    exact: Regex,
    /// Normalised name (every form) → body index.
    by_name: HashMap<String, usize>,
    /// Normalised bare place → body index (police forces first).
    by_place: HashMap<String, usize>,
}

impl Bodies {
    /// The built-in registry.
    ///
    /// # Panics
    /// Never in a released build: a unit test loads the embedded file.
    pub fn builtin() -> Bodies {
        Bodies::parse(BUILTIN_BODIES).expect("embedded bodies.toml is valid (tested)")
    }

    /// Parse and compile a registry from TOML text.
    pub fn parse(text: &str) -> Result<Bodies, BodiesError> {
        let raw: RawBodies = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            BodiesError(format!("line {line}: {}", e.message()))
        })?;
        let bodies = raw.body;
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut folded_names: Vec<String> = Vec::new();
        let mut exact_names: Vec<String> = Vec::new();
        for (i, b) in bodies.iter().enumerate() {
            for n in b.text_names() {
                let key = normalise(&n);
                if let Some(&j) = by_name.get(&key)
                    && j != i
                {
                    return Err(BodiesError(format!(
                        "`{n}` names both {} and {}",
                        bodies[j].canonical, b.canonical
                    )));
                }
                by_name.insert(key, i);
                folded_names.push(n);
            }
            for n in &b.exact {
                let key = normalise(n);
                if let Some(&j) = by_name.get(&key)
                    && j != i
                {
                    return Err(BodiesError(format!(
                        "`{n}` names both {} and {}",
                        bodies[j].canonical, b.canonical
                    )));
                }
                by_name.insert(key, i);
                exact_names.push(n.clone());
            }
            for n in &b.short {
                let key = normalise(n);
                if let Some(&j) = by_name.get(&key)
                    && j != i
                {
                    return Err(BodiesError(format!(
                        "`{n}` names both {} and {}",
                        bodies[j].canonical, b.canonical
                    )));
                }
                by_name.insert(key, i);
            }
        }
        // Places: police forces claim a shared place first.
        let mut by_place: HashMap<String, usize> = HashMap::new();
        let mut order: Vec<usize> = (0..bodies.len()).collect();
        order.sort_by_key(|&i| bodies[i].body_type != BodyType::PoliceForce);
        for i in order {
            for p in &bodies[i].places {
                by_place.entry(normalise(p)).or_insert(i);
            }
        }
        let folded = alternation(&folded_names, true)?;
        let exact = alternation(&exact_names, false)?;
        Ok(Bodies {
            bodies,
            folded,
            exact,
            by_name,
            by_place,
        })
    }

    /// Every body.
    pub fn all(&self) -> &[Body] {
        &self.bodies
    }

    /// Every mention of a body in `text`, in order, not overlapping (at one
    /// start the longest name wins).
    pub fn find_all(&self, text: &str) -> Vec<BodyMatch<'_>> {
        let mut found: Vec<(usize, usize, usize)> = Vec::new(); // start, end, body
        for re in [&self.folded, &self.exact] {
            for m in re.find_iter(text) {
                let Some(&i) = self.by_name.get(&normalise(m.as_str())) else {
                    continue;
                };
                let rest = text[m.end()..].trim_start();
                if self.bodies[i]
                    .not_followed_by
                    .iter()
                    .any(|w| starts_with_word(rest, w))
                {
                    continue;
                }
                found.push((m.start(), m.end(), i));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<BodyMatch<'_>> = Vec::new();
        let mut last_end = 0;
        for (s, e, i) in found {
            if s < last_end {
                continue;
            }
            last_end = e;
            out.push(BodyMatch {
                canonical: &self.bodies[i].canonical,
                body_type: self.bodies[i].body_type,
                span: [s, e],
            });
        }
        out
    }

    /// The body a user's name, alias, slug or bare place means (any case).
    pub fn resolve(&self, name: &str) -> Option<&Body> {
        let mut key = normalise(name);
        if let Some(rest) = key.strip_prefix("the ")
            && !self.by_name.contains_key(&key)
        {
            key = rest.to_string();
        }
        self.by_name
            .get(&key)
            .or_else(|| self.by_place.get(&key))
            .or_else(|| self.by_name.get(&format!("the {key}")))
            .map(|&i| &self.bodies[i])
    }

    /// The canonical name closest to a misspelt one, when close enough.
    pub fn suggest(&self, wrong: &str) -> Option<&str> {
        let key = normalise(wrong);
        if key.is_empty() {
            return None;
        }
        let mut best: Option<(f64, usize)> = None;
        for (name, &i) in self.by_name.iter().chain(self.by_place.iter()) {
            let score = strsim::jaro_winkler(&key, name);
            let better = match best {
                None => true,
                Some((s, j)) => {
                    score > s || (score == s && self.bodies[i].canonical < self.bodies[j].canonical)
                }
            };
            if better {
                best = Some((score, i));
            }
        }
        best.filter(|(s, _)| *s >= 0.85)
            .map(|(_, i)| self.bodies[i].canonical.as_str())
    }
}

/// Lowercase; "&" as "and"; dashes, apostrophes and runs of whitespace as one
/// space.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str(" and "),
            '-' | '\u{2010}'..='\u{2015}' => out.push(' '),
            '\'' | '\u{2019}' | '.' | ',' => {}
            c if c.is_whitespace() => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.len() >= word.len()
        && text.is_char_boundary(word.len())
        && text[..word.len()].eq_ignore_ascii_case(word)
        && !text[word.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric())
}

/// A regex for one name: spaces as any whitespace (names break across lines),
/// "and"/"&" interchangeable, hyphens as hyphen or space.
fn name_regex(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut parts = Vec::new();
    for w in words {
        if w == "and" || w == "&" {
            parts.push("(?:and|&)".to_string());
        } else {
            let mut p = String::new();
            for c in w.chars() {
                match c {
                    '-' => p.push_str(r"[-\u2010-\u2015\s]\s*"),
                    '\'' | '\u{2019}' => p.push_str(r"['\u2019]?"),
                    c => p.push_str(&regex::escape(&c.to_string())),
                }
            }
            parts.push(p);
        }
    }
    parts.join(r"\s+")
}

fn alternation(names: &[String], fold: bool) -> Result<Regex, BodiesError> {
    let mut names: Vec<&String> = names.iter().collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    names.dedup();
    let alts: Vec<String> = names.iter().map(|n| name_regex(n)).collect();
    let pattern = if alts.is_empty() {
        r"[^\s\S]".to_string()
    } else {
        format!(r"(?-u:\b)(?:{})(?-u:\b)", alts.join("|"))
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(fold)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| BodiesError(format!("cannot compile names: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(b: &Bodies, text: &str) -> Vec<String> {
        b.find_all(text)
            .into_iter()
            .map(|m| m.canonical.to_string())
            .collect()
    }

    #[test]
    fn registry_counts() {
        let b = Bodies::builtin();
        let count = |t: BodyType| b.all().iter().filter(|x| x.body_type == t).count();
        // 43 territorial forces + BTP, MoD Police, CNC.
        assert_eq!(count(BodyType::PoliceForce), 46);
        assert_eq!(count(BodyType::FireAndRescueService), 44);
        assert!(count(BodyType::LocalAuthority) >= 10);
        assert!(count(BodyType::NationalBody) >= 1);
    }

    #[test]
    fn canonical_names_are_unique() {
        let b = Bodies::builtin();
        let mut seen = std::collections::HashSet::new();
        for x in b.all() {
            assert!(seen.insert(x.canonical.clone()), "{}", x.canonical);
        }
    }

    #[test]
    fn finds_full_names_aliases_and_places() {
        let b = Bodies::builtin();
        assert_eq!(
            names(
                &b,
                "PEEL 2021/22 An inspection of Greater Manchester Police"
            ),
            ["Greater Manchester Police"]
        );
        assert_eq!(
            names(&b, "GMP and the Met, and West Yorkshire Constabulary"),
            [
                "Greater Manchester Police",
                "Metropolitan Police Service",
                "West Yorkshire Police"
            ]
        );
        assert_eq!(
            names(
                &b,
                "Avon & Somerset Constabulary and Devon and Cornwall Police"
            ),
            [
                "Avon and Somerset Constabulary",
                "Devon and Cornwall Police"
            ]
        );
        assert_eq!(
            names(&b, "Heddlu Dyfed-Powys; Dyfed Powys Police"),
            ["Dyfed-Powys Police", "Dyfed-Powys Police"]
        );
        assert_eq!(
            names(&b, "Greater Manchester\nPolice"),
            ["Greater Manchester Police"]
        );
    }

    #[test]
    fn longest_name_wins() {
        let b = Bodies::builtin();
        assert_eq!(
            names(&b, "Greater Manchester Fire and Rescue Service"),
            ["Greater Manchester Fire and Rescue Service"]
        );
        assert_eq!(
            names(&b, "West Midlands Fire Service and West Midlands Police"),
            ["West Midlands Fire Service", "West Midlands Police"]
        );
        assert_eq!(
            names(&b, "Dorset & Wiltshire FRS"),
            ["Dorset and Wiltshire Fire and Rescue Service"]
        );
    }

    #[test]
    fn case_rules() {
        let b = Bodies::builtin();
        assert!(names(&b, "The force met the standard; the met criteria").is_empty());
        assert!(names(&b, "The Met Office issued a warning.").is_empty());
        assert_eq!(
            names(&b, "Officers in the Met said"),
            ["Metropolitan Police Service"]
        );
        assert!(names(&b, "hospital beds and gmp").is_empty());
        assert!(names(&b, "Central Beds Council and Notts County").is_empty());
        assert_eq!(names(&b, "Herts Police"), ["Hertfordshire Constabulary"]);
        assert!(names(&b, "Greater Manchester Combined Authority").is_empty());
    }

    #[test]
    fn resolve_and_suggest() {
        let b = Bodies::builtin();
        let r = |s: &str| b.resolve(s).map(|x| x.canonical.as_str());
        assert_eq!(r("gmp"), Some("Greater Manchester Police"));
        assert_eq!(r("Greater Manchester"), Some("Greater Manchester Police"));
        assert_eq!(r("the met"), Some("Metropolitan Police Service"));
        assert_eq!(r("met"), Some("Metropolitan Police Service"));
        assert_eq!(
            r("greater-manchester-police"),
            Some("Greater Manchester Police")
        );
        assert_eq!(
            r("Hampshire Constabulary"),
            Some("Hampshire and Isle of Wight Constabulary")
        );
        assert_eq!(r("london fire brigade"), Some("London Fire Brigade"));
        assert_eq!(r("Leeds"), Some("Leeds City Council"));
        assert_eq!(r("notts"), Some("Nottinghamshire Police"));
        assert_eq!(r("D&C"), Some("Devon and Cornwall Police"));
        assert_eq!(r("heddlu gwent"), Some("Gwent Police"));
        assert_eq!(
            b.suggest("Grater Manchester Polce"),
            Some("Greater Manchester Police")
        );
        assert_eq!(b.suggest("zzzzqqq"), None);
    }
}
