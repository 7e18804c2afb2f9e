//! Every message exists in both languages, with the same placeholders, and every key the code
//! asks for exists.

use std::collections::{BTreeMap, BTreeSet};

fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every key of every locale file, with its text per language.
fn messages() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("locales")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let file: BTreeMap<String, serde_json::Value> =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (key, value) in file {
            if key == "_version" {
                continue;
            }
            let langs: BTreeMap<String, String> =
                serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{}: {key}: {e}", path.display()));
            assert!(all.insert(key.clone(), langs).is_none(), "{key} is in two locale files");
        }
    }
    all
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("%{").skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string())).collect()
}

#[test]
fn every_message_is_in_both_languages_with_the_same_placeholders() {
    let mut missing = Vec::new();
    for (key, langs) in messages() {
        let (Some(zh), Some(en)) = (langs.get("zh-CN"), langs.get("en")) else {
            missing.push(format!("{key}: has {:?}", langs.keys().collect::<Vec<_>>()));
            continue;
        };
        if zh.trim().is_empty() || en.trim().is_empty() {
            missing.push(format!("{key}: an empty text"));
        }
        if placeholders(zh) != placeholders(en) {
            missing.push(format!("{key}: zh-CN has {:?}, en has {:?}", placeholders(zh), placeholders(en)));
        }
        if langs.len() != 2 {
            missing.push(format!("{key}: languages {:?}", langs.keys().collect::<Vec<_>>()));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_key_the_code_uses_exists() {
    let known = messages();
    let mut unknown = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for marker in ["t!(\"", "tr!(\"", "text(\""] {
            for rest in text.split(marker).skip(1) {
                let key = rest.split('"').next().unwrap_or("");
                let is_key = key.contains('.')
                    && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
                if is_key && !known.contains_key(key) {
                    unknown.push(format!("{}: {key}", entry.path().strip_prefix(repo()).unwrap().display()));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "keys with no message:\n{}", unknown.join("\n"));
}
