//! In-memory state behind a mutex: users (with their pending ToS), tokens
//! (seeded from the fixture, plus the ones created at run time) and the
//! counters of the flaky fault endpoint.

use crate::fixture::{Datastack, Fixture, Group, MissingTos, User};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

#[derive(Clone)]
pub struct TokenRec {
    pub id: u64,
    pub user_id: u64,
    pub token: String,
    pub description: Option<String>,
    pub created: SystemTime,
    pub expires: Option<SystemTime>,
    pub last_used: Option<SystemTime>,
    /// A login token of the browser flow (middle_auth's temporary tokens,
    /// which `logout` revokes), not an API key.
    pub login: bool,
}

/// Result of a permission check on a dataset.
pub enum Access {
    Granted,
    /// The user would have the permission but has not accepted this ToS.
    MissingTos(MissingTos),
    Denied,
}

struct State {
    users: Vec<User>,
    tokens: Vec<TokenRec>,
    next_token_id: u64,
    /// Every token string ever valid here, for redaction in the log.
    seen: HashSet<String>,
}

pub struct Store {
    pub started: SystemTime,
    pub groups: Vec<Group>,
    pub datastacks: BTreeMap<String, Datastack>,
    state: Mutex<State>,
    flaky: Mutex<HashMap<String, u64>>,
    /// The counters of `/fault/ratelimit`.
    pub limiter: crate::ratelimit::Limiter,
    /// Connections accepted, both origins (`/fault/connections`).
    pub connections: std::sync::atomic::AtomicU64,
}

impl Store {
    pub fn new(f: Fixture) -> Store {
        let started = SystemTime::now();
        let mut tokens = Vec::new();
        for u in &f.users {
            for t in &u.tokens {
                tokens.push(TokenRec {
                    id: tokens.len() as u64 + 1,
                    user_id: u.id,
                    token: t.token.clone(),
                    description: t.description.clone(),
                    created: started,
                    expires: u64::try_from(t.ttl)
                        .ok()
                        .map(|s| started + Duration::from_secs(s)),
                    last_used: None,
                    login: false,
                });
            }
        }
        let seen = tokens.iter().map(|t| t.token.clone()).collect();
        Store {
            started,
            groups: f.groups,
            datastacks: f.datastacks,
            state: Mutex::new(State {
                next_token_id: tokens.len() as u64 + 1,
                users: f.users,
                tokens,
                seen,
            }),
            flaky: Mutex::new(HashMap::new()),
            limiter: Default::default(),
            connections: Default::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user owning a live (known, unexpired) token; records its use.
    pub fn user_for_token(&self, token: &str) -> Option<u64> {
        let now = SystemTime::now();
        let mut st = self.state();
        let rec = st
            .tokens
            .iter_mut()
            .find(|t| t.token == token && t.expires.is_none_or(|e| e > now))?;
        rec.last_used = Some(now);
        Some(rec.user_id)
    }

    pub fn user(&self, id: u64) -> Option<User> {
        self.state().users.iter().find(|u| u.id == id).cloned()
    }

    pub fn users(&self) -> Vec<User> {
        let mut users = self.state().users.clone();
        users.sort_by_key(|u| u.id);
        users
    }

    pub fn access(&self, user_id: u64, dataset: &str, permission: &str) -> Access {
        let Some(user) = self.user(user_id) else {
            return Access::Denied;
        };
        let has = user
            .permissions
            .get(dataset)
            .is_some_and(|p| p.iter().any(|p| p == permission));
        match user.missing_tos.iter().find(|t| t.dataset == dataset) {
            _ if !has => Access::Denied,
            Some(tos) => Access::MissingTos(tos.clone()),
            None => Access::Granted,
        }
    }

    /// Superadmin flag from the fixture.
    pub fn is_admin(&self, user_id: u64) -> bool {
        self.user(user_id).is_some_and(|u| u.admin)
    }

    /// "Some admin" role: superadmin or admin of at least one group.
    pub fn is_some_admin(&self, user_id: u64) -> bool {
        self.is_admin(user_id) || self.groups.iter().any(|g| g.admins.contains(&user_id))
    }

    /// The user's tokens, newest first.
    pub fn tokens_of(&self, user_id: u64) -> Vec<TokenRec> {
        let mut list: Vec<_> = self
            .state()
            .tokens
            .iter()
            .filter(|t| t.user_id == user_id && !t.login)
            .cloned()
            .collect();
        list.sort_by_key(|t| std::cmp::Reverse(t.id));
        list
    }

    /// Adds a never-expiring API key (32 lowercase hex characters).
    pub fn create_token(&self, user_id: u64, description: Option<String>) -> String {
        let token = new_token_string();
        let mut st = self.state();
        let id = st.next_token_id;
        st.next_token_id += 1;
        st.seen.insert(token.clone());
        st.tokens.push(TokenRec {
            id,
            user_id,
            token: token.clone(),
            description,
            created: SystemTime::now(),
            expires: None,
            last_used: None,
            login: false,
        });
        token
    }

    /// Adds a login token of the browser flow that expires after `ttl`
    /// (middle_auth's `generate_token(ex=DEFAULT_LOGIN_TOKEN_DURATION)`).
    /// Not listed among the user's API keys.
    pub fn create_login_token(&self, user_id: u64, ttl: Duration) -> String {
        let token = new_token_string();
        let mut st = self.state();
        let id = st.next_token_id;
        st.next_token_id += 1;
        st.seen.insert(token.clone());
        let now = SystemTime::now();
        st.tokens.push(TokenRec {
            id,
            user_id,
            token: token.clone(),
            description: None,
            created: now,
            expires: Some(now + ttl),
            last_used: None,
            login: true,
        });
        token
    }

    /// Whether `token` is an API key (as opposed to a login token).
    pub fn is_api_key(&self, token: &str) -> bool {
        self.state()
            .tokens
            .iter()
            .any(|t| t.token == token && !t.login)
    }

    /// Revokes a login token (`logout`); false if it is not one.
    pub fn revoke_login_token(&self, token: &str) -> bool {
        let mut st = self.state();
        let before = st.tokens.len();
        st.tokens.retain(|t| !(t.login && t.token == token));
        st.tokens.len() != before
    }

    /// Renames a user (the user-name step of a new account's login).
    pub fn set_user_name(&self, user_id: u64, name: &str) {
        if let Some(u) = self.state().users.iter_mut().find(|u| u.id == user_id) {
            u.name = name.to_owned();
        }
    }

    /// Seconds left (-1 = never) if `token` is one of the user's live tokens.
    pub fn ttl(&self, user_id: u64, token: &str) -> Option<i64> {
        let now = SystemTime::now();
        let st = self.state();
        let rec = st
            .tokens
            .iter()
            .find(|t| t.user_id == user_id && t.token == token)?;
        match rec.expires {
            None => Some(-1),
            Some(e) => e.duration_since(now).ok().map(|d| d.as_secs() as i64),
        }
    }

    /// Deletes one of the user's tokens by id.
    pub fn delete_token(&self, user_id: u64, id: u64) -> bool {
        let mut st = self.state();
        let before = st.tokens.len();
        st.tokens.retain(|t| !(t.user_id == user_id && t.id == id));
        st.tokens.len() != before
    }

    /// Records that the user accepted a ToS; false if none was pending.
    pub fn accept_tos(&self, user_id: u64, tos_id: u64) -> bool {
        let mut st = self.state();
        let Some(user) = st.users.iter_mut().find(|u| u.id == user_id) else {
            return false;
        };
        let before = user.missing_tos.len();
        user.missing_tos.retain(|t| t.tos_id != tos_id);
        user.missing_tos.len() != before
    }

    /// Whether `s` is or was a token here (for log redaction).
    pub fn is_known_token(&self, s: &str) -> bool {
        self.state().seen.contains(s)
    }

    /// Counts one request for a flaky key; returns the count including it.
    pub fn flaky_hit(&self, key: &str) -> u64 {
        let mut map = self.flaky.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(key.to_owned()).or_insert(0);
        *n += 1;
        *n
    }
}

/// `secrets.token_hex(16)`: 16 random bytes from /dev/urandom as hex.
pub fn new_token_string() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // Fallback: std's randomly keyed hasher, mixed with the clock.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(SystemTime::now().elapsed().map_or(0, |d| d.as_nanos()));
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    fn store() -> Store {
        Store::new(fixture::parse(fixture::DEFAULT, "b", "o").unwrap())
    }

    #[test]
    fn tokens_and_access() {
        let s = store();
        assert_eq!(s.user_for_token("fake_token_123"), Some(1));
        assert_eq!(s.user_for_token("another_fake_token_678"), None);
        assert!(matches!(
            s.access(3, "flywire", "view"),
            Access::MissingTos(_)
        ));
        assert!(matches!(s.access(1, "minnie65", "edit"), Access::Denied));
        assert!(s.accept_tos(3, 7));
        assert!(matches!(s.access(3, "flywire", "view"), Access::Granted));
        let t = s.create_token(1, None);
        assert!(t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(s.user_for_token(&t), Some(1));
        assert_eq!(s.ttl(1, &t), Some(-1));
        assert!(s.ttl(1, "expiring_fake_token_000").unwrap() > 3500);
        assert_eq!(s.tokens_of(1)[0].token, t);
    }
}
