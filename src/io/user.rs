//! Who is working: the analyst's name recorded on passages (and in exports)
//! defaults to the operating system's user name.

/// The operating system's name for the user running Gloss, if it has one.
#[must_use]
pub fn os_user() -> Option<String> {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|s| s.trim().to_owned())
        .find(|s| !s.is_empty())
}

/// The analyst's name: `given` if it is not blank, else the OS user.
#[must_use]
pub fn analyst(given: Option<&str>) -> Option<String> {
    given
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(os_user)
}
