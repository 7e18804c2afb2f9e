//! The language of messages: Chinese by default, English with `--lang en` or `ZONGJIE_LANG=en`.
//!
//! Every message lives in `locales/*.yml` (rust-i18n, one file per module, both languages side
//! by side under one key), never as a format string in the code; `tests/locales.rs` fails when a
//! key lacks a language or the two disagree on their placeholders.

use std::borrow::Cow;

/// The languages messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文 (the default: the people who read the messages are county office staff).
    #[default]
    Chinese,
    /// English.
    English,
}

impl Lang {
    /// The rust-i18n locale name.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Chinese => "zh-CN",
            Lang::English => "en",
        }
    }
    /// Reads `zh`, `zh-CN`, `中文`, `en`, `en-US`, `English`…; `None` for anything else.
    pub fn parse(text: &str) -> Option<Lang> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.starts_with("zh") || text.trim() == "中文" {
            Some(Lang::Chinese)
        } else if lower.starts_with("en") || text.trim() == "英文" {
            Some(Lang::English)
        } else {
            None
        }
    }
}

/// Sets the language of every message from here on (process-wide).
pub fn set(lang: Lang) {
    rust_i18n::set_locale(lang.locale());
}

/// The language messages are being written in.
pub fn current() -> Lang {
    if &*rust_i18n::locale() == "en" {
        Lang::English
    } else {
        Lang::Chinese
    }
}

/// The message for `key` with its `%{name}` placeholders filled, in the current language.
/// (The `t!` macro does the same inside the library; this serves the binary.)
pub fn text(key: &str, args: &[(&str, &str)]) -> String {
    let template: Cow<str> = crate::_rust_i18n_translate(&rust_i18n::locale(), key);
    let mut out = template.into_owned();
    for (name, value) in args {
        out = out.replace(&format!("%{{{name}}}"), value);
    }
    out
}

/// `tr!("key", name = value, …)`: [`text`] with named arguments, for the binary (the library
/// uses rust-i18n's `t!`).
#[macro_export]
macro_rules! tr {
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text($key, &[$((stringify!($name), &$value.to_string())),*])
    };
}
