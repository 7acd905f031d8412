//! Words for messages: counts with the right singular or plural, so the
//! command line and the window never say "1 article(s)".

/// `1 article`, `2 articles`, `0 articles` (regular English plurals).
#[must_use]
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else if let Some(stem) = what.strip_suffix('y')
        && !what.ends_with("ay")
        && !what.ends_with("ey")
    {
        format!("{n} {stem}ies")
    } else if what.ends_with('s') || what.ends_with("sh") || what.ends_with("ch") {
        format!("{n} {what}es")
    } else {
        format!("{n} {what}s")
    }
}

/// `A`, `A and B`, `A, B and C`.
#[must_use]
pub fn list_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{list_and, plural};

    #[test]
    fn lists_read_naturally() {
        assert_eq!(list_and(&["Thai"]), "Thai");
        assert_eq!(list_and(&["Thai", "Lao"]), "Thai and Lao");
        assert_eq!(list_and(&["Thai", "Lao", "Khmer"]), "Thai, Lao and Khmer");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(plural(1, "article"), "1 article");
        assert_eq!(plural(0, "article"), "0 articles");
        assert_eq!(plural(3, "passage"), "3 passages");
        assert_eq!(plural(2, "entry"), "2 entries");
        assert_eq!(plural(2, "key"), "2 keys");
        assert_eq!(plural(2, "match"), "2 matches");
    }
}
