//! The fixture: users, tokens, groups and datastacks, read from JSON (the
//! built-in `fixtures/default.json` unless `--fixture` names a file).
//! See README.md for the format.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// The built-in fixture that tests and the demo rely on.
pub const DEFAULT: &str = include_str!("../fixtures/default.json");

pub struct Fixture {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub datastacks: BTreeMap<String, Datastack>,
}

#[derive(Clone)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub pi: String,
    pub affiliations: Vec<String>,
    pub tokens: Vec<TokenSeed>,
    /// Dataset → permission names the user would have once every ToS is accepted.
    pub permissions: BTreeMap<String, Vec<String>>,
    pub missing_tos: Vec<MissingTos>,
}

#[derive(Clone)]
pub struct TokenSeed {
    pub token: String,
    pub description: Option<String>,
    /// Seconds from server start; -1 = never expires.
    pub ttl: i64,
}

#[derive(Clone)]
pub struct MissingTos {
    pub dataset: String,
    pub tos_id: u64,
    pub tos_name: String,
}

pub struct Group {
    pub id: u64,
    pub name: String,
    pub members: Vec<u64>,
    pub admins: Vec<u64>,
}

pub struct Datastack {
    pub dataset: String,
    /// Everything but `dataset`: what `/datastack/full/<name>` returns.
    pub info: Map<String, Value>,
}

/// Parses fixture text, replacing `{base}` and `{other}` in every string.
pub fn parse(text: &str, base: &str, other: &str) -> Result<Fixture, String> {
    let mut root: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    expand(&mut root, base, other);
    let m = obj(&root, "fixture")?;
    check_keys(m, &["users", "groups", "datastacks"], "fixture")?;
    let users = list(m, "users", "fixture")?
        .iter()
        .map(user)
        .collect::<Result<Vec<_>, _>>()?;
    let groups = list(m, "groups", "fixture")?
        .iter()
        .map(group)
        .collect::<Result<Vec<_>, _>>()?;
    let mut datastacks = BTreeMap::new();
    if let Some(d) = m.get("datastacks") {
        for (name, v) in obj(d, "datastacks")? {
            let mut info = obj(v, name)?.clone();
            let dataset = match info.remove("dataset") {
                Some(Value::String(s)) => s,
                _ => return Err(format!("datastack {name}: \"dataset\" must be a string")),
            };
            datastacks.insert(name.clone(), Datastack { dataset, info });
        }
    }
    let fixture = Fixture {
        users,
        groups,
        datastacks,
    };
    validate(&fixture)?;
    Ok(fixture)
}

fn expand(v: &mut Value, base: &str, other: &str) {
    match v {
        Value::String(s) => *s = s.replace("{base}", base).replace("{other}", other),
        Value::Array(a) => a.iter_mut().for_each(|x| expand(x, base, other)),
        Value::Object(m) => m.values_mut().for_each(|x| expand(x, base, other)),
        _ => {}
    }
}

fn validate(f: &Fixture) -> Result<(), String> {
    let mut ids = HashSet::new();
    let mut tokens = HashSet::new();
    for u in &f.users {
        if !ids.insert(u.id) {
            return Err(format!("duplicate user id {}", u.id));
        }
        for t in &u.tokens {
            if t.token.is_empty() || !tokens.insert(t.token.as_str()) {
                return Err(format!("user {}: empty or duplicate token", u.id));
            }
        }
    }
    for g in &f.groups {
        if let Some(m) = g.members.iter().chain(&g.admins).find(|m| !ids.contains(m)) {
            return Err(format!("group {}: unknown user id {m}", g.id));
        }
    }
    Ok(())
}

fn user(v: &Value) -> Result<User, String> {
    let m = obj(v, "user")?;
    let allowed = [
        "id",
        "name",
        "email",
        "admin",
        "pi",
        "affiliations",
        "tokens",
        "permissions",
        "missing_tos",
    ];
    check_keys(m, &allowed, "user")?;
    let id = uint(m, "id", "user")?;
    let ctx = format!("user {id}");
    let mut permissions = BTreeMap::new();
    if let Some(p) = m.get("permissions") {
        for (dataset, perms) in obj(p, &ctx)? {
            permissions.insert(dataset.clone(), strings(perms, &ctx)?);
        }
    }
    Ok(User {
        id,
        name: string(m, "name", &ctx)?,
        email: string(m, "email", &ctx)?,
        admin: m.get("admin").and_then(Value::as_bool).unwrap_or(false),
        pi: opt_string(m, "pi", &ctx)?.unwrap_or_default(),
        affiliations: match m.get("affiliations") {
            Some(a) => strings(a, &ctx)?,
            None => Vec::new(),
        },
        tokens: list(m, "tokens", &ctx)?
            .iter()
            .map(|t| token(t, &ctx))
            .collect::<Result<_, _>>()?,
        permissions,
        missing_tos: list(m, "missing_tos", &ctx)?
            .iter()
            .map(|t| missing_tos(t, &ctx))
            .collect::<Result<_, _>>()?,
    })
}

fn token(v: &Value, ctx: &str) -> Result<TokenSeed, String> {
    let m = obj(v, ctx)?;
    check_keys(m, &["token", "description", "ttl"], ctx)?;
    Ok(TokenSeed {
        token: string(m, "token", ctx)?,
        description: opt_string(m, "description", ctx)?,
        ttl: match m.get("ttl") {
            None | Some(Value::Null) => -1,
            Some(t) => t
                .as_i64()
                .filter(|t| *t >= -1)
                .ok_or(format!("{ctx}: token ttl must be an integer >= -1"))?,
        },
    })
}

fn missing_tos(v: &Value, ctx: &str) -> Result<MissingTos, String> {
    let m = obj(v, ctx)?;
    check_keys(m, &["dataset", "tos_id", "tos_name"], ctx)?;
    Ok(MissingTos {
        dataset: string(m, "dataset", ctx)?,
        tos_id: uint(m, "tos_id", ctx)?,
        tos_name: string(m, "tos_name", ctx)?,
    })
}

fn group(v: &Value) -> Result<Group, String> {
    let m = obj(v, "group")?;
    check_keys(m, &["id", "name", "members", "admins"], "group")?;
    let ids = |key: &str| -> Result<Vec<u64>, String> {
        list(m, key, "group")?
            .iter()
            .map(|x| x.as_u64().ok_or(format!("group: {key} must hold user ids")))
            .collect()
    };
    Ok(Group {
        id: uint(m, "id", "group")?,
        name: string(m, "name", "group")?,
        members: ids("members")?,
        admins: ids("admins")?,
    })
}

fn obj<'a>(v: &'a Value, ctx: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object().ok_or(format!("{ctx}: expected an object"))
}

fn check_keys(m: &Map<String, Value>, allowed: &[&str], ctx: &str) -> Result<(), String> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("{ctx}: unknown key \"{k}\"")),
        None => Ok(()),
    }
}

fn list<'a>(m: &'a Map<String, Value>, key: &str, ctx: &str) -> Result<&'a [Value], String> {
    match m.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("{ctx}: \"{key}\" must be a list")),
    }
}

fn uint(m: &Map<String, Value>, key: &str, ctx: &str) -> Result<u64, String> {
    m.get(key)
        .and_then(Value::as_u64)
        .ok_or(format!("{ctx}: \"{key}\" must be a non-negative integer"))
}

fn string(m: &Map<String, Value>, key: &str, ctx: &str) -> Result<String, String> {
    opt_string(m, key, ctx)?.ok_or(format!("{ctx}: \"{key}\" is required"))
}

fn opt_string(m: &Map<String, Value>, key: &str, ctx: &str) -> Result<Option<String>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{ctx}: \"{key}\" must be a string")),
    }
}

fn strings(v: &Value, ctx: &str) -> Result<Vec<String>, String> {
    v.as_array()
        .and_then(|a| a.iter().map(|s| s.as_str().map(str::to_owned)).collect())
        .ok_or(format!("{ctx}: expected a list of strings"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fixture_parses_and_expands() {
        let f = parse(DEFAULT, "http://127.0.0.1:1", "http://127.0.0.1:2").unwrap();
        assert_eq!(f.users.len(), 3);
        let fanc = &f.datastacks["fanc_production"];
        assert_eq!(fanc.dataset, "fanc");
        assert_eq!(fanc.info["local_server"], "http://127.0.0.1:2");
        assert!(!fanc.info.contains_key("dataset"));
        assert_eq!(f.users[0].tokens[1].ttl, 3600);
    }

    #[test]
    fn rejects_typos_and_duplicates() {
        let typo = r#"{"users": [{"id": 1, "name": "a", "email": "e", "permission": {}}]}"#;
        let err = parse(typo, "", "").err().unwrap();
        assert!(err.contains("permission"), "{err}");
        let dup = r#"{"users": [{"id": 1, "name": "a", "email": "e"},
                                {"id": 1, "name": "b", "email": "f"}]}"#;
        assert!(parse(dup, "", "").is_err());
    }
}
