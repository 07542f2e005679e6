//! Envelope encryption of every secret Portico stores.
//!
//! Each value is sealed with XChaCha20-Poly1305 under the keyring's active key, with a fresh
//! random nonce and associated data naming the row and field it belongs to, so a ciphertext
//! copied to another row or field fails to open. The sealed form carries the id of its key,
//! which lets `portico keys rotate` re-seal old values while the server keeps reading them.
//!
//! Sealed layout: `0x01 ‖ key-id length (1 byte) ‖ key id ‖ nonce (24) ‖ ciphertext+tag`.

use std::{collections::HashMap, fmt, path::Path, sync::Arc, sync::Mutex};

use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    Key, KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use rand::RngCore;
use zeroize::Zeroizing;

const FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// Where a sealed value lives: the parts of its row and its field, bound into the ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Binding(Vec<u8>);

impl Binding {
    /// Binds a value to `table` and the given named parts (org, environment, ids, field …).
    /// Each part is length-prefixed, so no two different bindings encode alike.
    pub fn new(table: &str, parts: &[(&str, &str)]) -> Self {
        let mut encoded = b"portico/v1".to_vec();
        for part in std::iter::once(("table", table)).chain(parts.iter().copied()) {
            for piece in [part.0, part.1] {
                encoded.extend_from_slice(&(piece.len() as u32).to_be_bytes());
                encoded.extend_from_slice(piece.as_bytes());
            }
        }
        Self(encoded)
    }
}

/// Secrets opened once and kept open, for values opened on every request (a provider's
/// signing secret is compared with every org's for the app). A value sealed anew is opened
/// anew.
#[derive(Default)]
pub struct OpenedCache(Mutex<HashMap<Binding, Opened>>);

/// A value as sealed, and opened.
type Opened = (Vec<u8>, Arc<Zeroizing<Vec<u8>>>);

impl OpenedCache {
    /// The value sealed as `sealed` under `binding`, opened now or earlier.
    pub(crate) fn open(
        &self,
        vault: &Vault,
        sealed: &[u8],
        binding: &Binding,
    ) -> Result<Arc<Zeroizing<Vec<u8>>>, VaultError> {
        if let Some((known, secret)) = self.0.lock().expect("opened secrets").get(binding)
            && known.as_slice() == sealed
        {
            return Ok(secret.clone());
        }
        let secret = Arc::new(vault.open(sealed, binding)?);
        self.0
            .lock()
            .expect("opened secrets")
            .insert(binding.clone(), (sealed.to_vec(), secret.clone()));
        Ok(secret)
    }
}

/// Why a value could not be sealed or opened. Never includes the value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("sealed with key `{0}`, which is not in the keyring")]
    UnknownKey(String),
    #[error("the sealed value does not open: altered, moved from another row, or a wrong key")]
    Tampered,
    #[error("the sealed value is malformed")]
    Malformed,
}

/// A keyring problem found at start; the message names the setting.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyringError(String);

struct VaultKey {
    cipher: XChaCha20Poly1305,
    /// The key itself, for deriving secrets with HMAC under a label.
    raw: Zeroizing<Vec<u8>>,
}

/// The keyring: several keys by id, the first one active.
pub struct Vault {
    active: String,
    keys: HashMap<String, VaultKey>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<_> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("Vault")
            .field("active", &self.active)
            .field("key_ids", &ids)
            .finish()
    }
}

impl Vault {
    /// Parses `id:base64key,id:base64key,…` (32-byte keys); the first key is active.
    pub fn from_keyring(spec: &str) -> Result<Self, KeyringError> {
        let invalid = |why: &str| {
            KeyringError(format!(
                "PORTICO_ENCRYPTION_KEYS {why}: expected `id:base64-of-32-bytes[,id:…]`"
            ))
        };
        let mut active = None;
        let mut keys = HashMap::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (id, encoded) = entry
                .split_once(':')
                .ok_or_else(|| invalid("has an entry without an id"))?;
            let valid_id = (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid_id {
                return Err(invalid(
                    "has a key id that is not 1-64 letters, digits, - or _",
                ));
            }
            let bytes = Zeroizing::new(
                STANDARD
                    .decode(encoded.trim())
                    .map_err(|_| invalid("has a key that is not base64"))?,
            );
            if bytes.len() != KEY_LEN {
                return Err(invalid("has a key that is not 32 bytes"));
            }
            let cipher = XChaCha20Poly1305::new(Key::from_slice(&bytes));
            let key = VaultKey { cipher, raw: bytes };
            if keys.insert(id.to_owned(), key).is_some() {
                return Err(invalid("names a key id twice"));
            }
            active.get_or_insert_with(|| id.to_owned());
        }
        let active = active.ok_or_else(|| invalid("is empty"))?;
        Ok(Self { active, keys })
    }

    /// A secret for `label` derived from the active key (HMAC-SHA256): every process with the
    /// same keyring derives the same one, and no two labels share it.
    pub(crate) fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let key = &self.keys[&self.active];
        let mut mac =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key.raw).expect("HMAC takes any key");
        mac.update(b"portico/derive/v1/");
        mac.update(label.as_bytes());
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    /// A new random key in keyring form, `id:base64`.
    pub fn generate_key(id: &str) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rng().fill_bytes(bytes.as_mut());
        Zeroizing::new(format!("{id}:{}", STANDARD.encode(bytes.as_ref())))
    }

    /// The keyring in `path`, created with a fresh key (mode 0600) when the file is missing.
    /// Returns the vault and whether the file was created.
    pub(crate) fn from_file_or_create(path: &Path) -> Result<(Self, bool), KeyringError> {
        let unreadable = |error: std::io::Error| {
            KeyringError(format!("cannot use key file {}: {error}", path.display()))
        };
        if path.exists() {
            let spec = Zeroizing::new(std::fs::read_to_string(path).map_err(unreadable)?);
            return Ok((Self::from_keyring(&spec)?, false));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(unreadable)?;
        }
        let today = crate::clock::Clock::system().now();
        let key = Self::generate_key(&format!("k{}", today.format("%Y%m%d")));
        write_private(path, key.as_bytes()).map_err(unreadable)?;
        Ok((Self::from_keyring(&key)?, true))
    }

    /// The id of the key new values are sealed with.
    pub(crate) fn active_key_id(&self) -> &str {
        &self.active
    }

    /// Seals `plaintext` for the place `binding` names.
    pub(crate) fn seal(&self, plaintext: &[u8], binding: &Binding) -> Vec<u8> {
        let key = &self.keys[&self.active];
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = key
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &binding.0,
                },
            )
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
        let id = self.active.as_bytes();
        let mut sealed = Vec::with_capacity(2 + id.len() + NONCE_LEN + ciphertext.len());
        sealed.push(FORMAT_VERSION);
        sealed.push(id.len() as u8);
        sealed.extend_from_slice(id);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Opens a sealed value, checking it belongs where `binding` says.
    pub(crate) fn open(
        &self,
        sealed: &[u8],
        binding: &Binding,
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let (key_id, nonce, ciphertext) = split(sealed)?;
        let key = self
            .keys
            .get(key_id)
            .ok_or_else(|| VaultError::UnknownKey(key_id.to_owned()))?;
        key.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &binding.0,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Tampered)
    }

    /// Opens a sealed UTF-8 string.
    pub fn open_string(
        &self,
        sealed: &[u8],
        binding: &Binding,
    ) -> Result<Zeroizing<String>, VaultError> {
        let bytes = self.open(sealed, binding)?;
        String::from_utf8(bytes.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Malformed)
    }

    /// The id of the key a sealed value was sealed with.
    pub fn key_id_of(sealed: &[u8]) -> Result<&str, VaultError> {
        split(sealed).map(|(id, _, _)| id)
    }

    /// Re-seals a value under the active key; `None` when it already is.
    pub(crate) fn reseal(
        &self,
        sealed: &[u8],
        binding: &Binding,
    ) -> Result<Option<Vec<u8>>, VaultError> {
        if Self::key_id_of(sealed)? == self.active {
            return Ok(None);
        }
        let plaintext = self.open(sealed, binding)?;
        Ok(Some(self.seal(&plaintext, binding)))
    }
}

fn split(sealed: &[u8]) -> Result<(&str, &[u8], &[u8]), VaultError> {
    let [version, id_len, rest @ ..] = sealed else {
        return Err(VaultError::Malformed);
    };
    if *version != FORMAT_VERSION {
        return Err(VaultError::Malformed);
    }
    let id_len = usize::from(*id_len);
    if rest.len() < id_len + NONCE_LEN + 16 {
        return Err(VaultError::Malformed);
    }
    let (id, rest) = rest.split_at(id_len);
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let id = std::str::from_utf8(id).map_err(|_| VaultError::Malformed)?;
    Ok((id, nonce, ciphertext))
}

/// What re-sealing a set of values did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RotationReport {
    /// Values re-sealed under the active key.
    pub resealed: u64,
    /// Values that already used it.
    pub current: u64,
}

impl RotationReport {
    /// Counts one [`Vault::reseal`] result and passes the new value on.
    pub(crate) fn count(
        &mut self,
        result: Result<Option<Vec<u8>>, VaultError>,
    ) -> Result<Option<Vec<u8>>, VaultError> {
        match &result {
            Ok(Some(_)) => self.resealed += 1,
            Ok(None) => self.current += 1,
            Err(_) => {}
        }
        result
    }
}

/// What trying to open a sample of one kind of sealed value came to (`portico doctor`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tried {
    /// Values the keyring opened.
    pub opened: u64,
    /// The rows whose value it could not open, with why.
    pub failed: Vec<String>,
}

impl Tried {
    /// Counts one value's opening; `row` names it in the report.
    pub(crate) fn count<T>(&mut self, row: impl std::fmt::Display, opened: Result<T, VaultError>) {
        match opened {
            Ok(_) => self.opened += 1,
            Err(error) => self.failed.push(format!("{row}: {error}")),
        }
    }
}

impl std::ops::AddAssign for RotationReport {
    fn add_assign(&mut self, other: Self) {
        self.resealed += other.resealed;
        self.current += other.current;
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(slug: &str) -> Binding {
        Binding::new(
            "app_config",
            &[
                ("org", "o1"),
                ("environment", "test"),
                ("slug", slug),
                ("field", "client_secret"),
            ],
        )
    }

    fn vault(spec: &str) -> Vault {
        Vault::from_keyring(spec).expect("keyring")
    }

    #[test]
    fn a_value_round_trips_and_never_appears_in_its_sealed_form() {
        let vault = vault(&Vault::generate_key("a"));
        let sealed = vault.seal(b"canary-secret-1234", &binding("slack"));
        assert!(!sealed.windows(6).any(|w| w == b"canary"));
        let again = vault.seal(b"canary-secret-1234", &binding("slack"));
        assert_ne!(sealed, again, "a fresh nonce every time");
        assert_eq!(
            vault.open(&sealed, &binding("slack")).unwrap().as_slice(),
            b"canary-secret-1234"
        );
        assert_eq!(Vault::key_id_of(&sealed), Ok("a"));
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let vault = vault(&Vault::generate_key("a"));
        let sealed = vault.seal(b"secret", &binding("slack"));
        let header = 2 + 1;
        for index in header..sealed.len() {
            let mut altered = sealed.clone();
            altered[index] ^= 0x01;
            assert_eq!(
                vault.open(&altered, &binding("slack")),
                Err(VaultError::Tampered),
                "byte {index}"
            );
        }
        assert_eq!(
            vault.open(&sealed[..10], &binding("slack")),
            Err(VaultError::Malformed)
        );
        assert_eq!(
            vault.open(&[], &binding("slack")),
            Err(VaultError::Malformed)
        );
    }

    #[test]
    fn a_value_moved_to_another_row_or_field_is_refused() {
        let vault = vault(&Vault::generate_key("a"));
        let sealed = vault.seal(b"secret", &binding("slack"));
        assert_eq!(
            vault.open(&sealed, &binding("hubspot")),
            Err(VaultError::Tampered)
        );
        let other_field = Binding::new(
            "app_config",
            &[
                ("org", "o1"),
                ("environment", "test"),
                ("slug", "slack"),
                ("field", "client_id"),
            ],
        );
        assert_eq!(vault.open(&sealed, &other_field), Err(VaultError::Tampered));
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        assert_ne!(
            Binding::new("t", &[("ab", "c")]),
            Binding::new("t", &[("a", "bc")])
        );
    }

    #[test]
    fn a_wrong_or_missing_key_is_a_clear_error() {
        let sealed = vault(&Vault::generate_key("a")).seal(b"secret", &binding("slack"));
        let other = vault(&Vault::generate_key("a"));
        assert_eq!(
            other.open(&sealed, &binding("slack")),
            Err(VaultError::Tampered)
        );
        let unrelated = vault(&Vault::generate_key("b"));
        assert_eq!(
            unrelated.open(&sealed, &binding("slack")),
            Err(VaultError::UnknownKey("a".to_owned()))
        );
    }

    #[test]
    fn rotation_reseals_old_values_under_the_first_key() {
        let old_key = Vault::generate_key("old");
        let new_key = Vault::generate_key("new");
        let before = vault(&old_key).seal(b"secret", &binding("slack"));
        let both = vault(&format!("{},{}", new_key.as_str(), old_key.as_str()));
        assert_eq!(both.active_key_id(), "new");
        let after = both
            .reseal(&before, &binding("slack"))
            .unwrap()
            .expect("resealed");
        assert_eq!(Vault::key_id_of(&after), Ok("new"));
        assert_eq!(both.reseal(&after, &binding("slack")), Ok(None));
        assert_eq!(
            vault(&new_key)
                .open(&after, &binding("slack"))
                .unwrap()
                .as_slice(),
            b"secret"
        );
    }

    #[test]
    fn bad_keyrings_name_the_setting() {
        for spec in ["", "nokey", "a:notbase64!", "a:AAAA", "bad id:AAAA"] {
            let error = Vault::from_keyring(spec).unwrap_err();
            assert!(
                error.to_string().starts_with("PORTICO_ENCRYPTION_KEYS"),
                "{spec}: {error}"
            );
        }
        let key = Vault::generate_key("a");
        assert!(Vault::from_keyring(&format!("{},{}", key.as_str(), key.as_str())).is_err());
        assert!(!format!("{:?}", vault(&key)).contains(key.split(':').nth(1).unwrap()));
    }

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/encryption.key");
        let (first, created) = Vault::from_file_or_create(&path).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let sealed = first.seal(b"secret", &binding("slack"));
        let (second, created) = Vault::from_file_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(
            second.open(&sealed, &binding("slack")).unwrap().as_slice(),
            b"secret"
        );
    }
    #[test]
    fn a_cached_value_is_opened_once_until_it_is_sealed_anew() {
        let vault = Vault::from_keyring(&Vault::generate_key("k1")).expect("vault");
        let binding = Binding::new(
            "app_config",
            &[("org", "org_1"), ("field", "signing_secret")],
        );
        let first_sealed = vault.seal(b"first secret", &binding);
        let opened = OpenedCache::default();
        let first = opened.open(&vault, &first_sealed, &binding).unwrap();
        let again = opened.open(&vault, &first_sealed, &binding).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "opened once");
        assert_eq!(first.as_slice(), b"first secret");
        let second_sealed = vault.seal(b"second secret", &binding);
        let second = opened.open(&vault, &second_sealed, &binding).unwrap();
        assert_eq!(
            second.as_slice(),
            b"second secret",
            "a new secret is opened anew"
        );
        let other = Binding::new(
            "app_config",
            &[("org", "org_2"), ("field", "signing_secret")],
        );
        assert!(opened.open(&vault, &second_sealed, &other).is_err());
    }
}
