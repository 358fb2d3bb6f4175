//! Secrets kept in D1 (a merchant's Pongo token and webhook secret, the Mokafaa credentials
//! and API secret the console writes) are sealed with AES-256-GCM under the operator's one
//! master key, the Worker secret `SEALING_KEY` (64 hex characters; `PONGO_TOKEN_KEY`, its
//! older name, is read when it is not set). The row's owner is the associated data: a
//! sealed value copied to another merchant (or another secret's row) does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

/// The Worker secret holding the key, then its older name.
pub const KEY_SECRETS: [&str; 2] = ["SEALING_KEY", "PONGO_TOKEN_KEY"];

/// The operator's master key, if set.
pub fn master_key(env: &worker::Env) -> Option<String> {
    KEY_SECRETS
        .iter()
        .find_map(|name| env.secret(name).ok().map(|s| s.to_string()))
}

#[derive(Debug, PartialEq, Eq)]
pub enum SealError {
    BadKey,
    Random,
    /// Tampered with, sealed under another key, or for another owner.
    Unreadable,
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SealError::BadKey => "the sealing key is not 32 bytes of hex",
            SealError::Random => "no randomness for a nonce",
            SealError::Unreadable => "the sealed value does not open",
        })
    }
}

fn cipher(key_hex: &str) -> Result<Aes256Gcm, SealError> {
    let mut key = [0u8; 32];
    hex::decode_to_slice(key_hex.trim(), &mut key).map_err(|_| SealError::BadKey)?;
    Aes256Gcm::new_from_slice(&key).map_err(|_| SealError::BadKey)
}

/// `hex(nonce) . hex(ciphertext+tag)`, with a fresh random nonce.
pub fn seal(key_hex: &str, owner: &str, plaintext: &str) -> Result<String, SealError> {
    let cipher = cipher(key_hex)?;
    let mut nonce = [0u8; 12];
    getrandom::getrandom(&mut nonce).map_err(|_| SealError::Random)?;
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: owner.as_bytes(),
            },
        )
        .map_err(|_| SealError::Unreadable)?;
    Ok(format!("{}.{}", hex::encode(nonce), hex::encode(sealed)))
}

pub fn open(key_hex: &str, owner: &str, sealed: &str) -> Result<String, SealError> {
    let cipher = cipher(key_hex)?;
    let (nonce, body) = sealed.split_once('.').ok_or(SealError::Unreadable)?;
    let mut nonce_bytes = [0u8; 12];
    hex::decode_to_slice(nonce, &mut nonce_bytes).map_err(|_| SealError::Unreadable)?;
    let body = hex::decode(body).map_err(|_| SealError::Unreadable)?;
    let plain = cipher
        .decrypt(
            Nonce::from_slice(&nonce_bytes),
            Payload {
                msg: &body,
                aad: owner.as_bytes(),
            },
        )
        .map_err(|_| SealError::Unreadable)?;
    String::from_utf8(plain).map_err(|_| SealError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn opens_only_for_its_owner_and_key_and_never_shows_the_plaintext() {
        let sealed = seal(KEY, "demo", "token-abc").unwrap();
        assert!(!sealed.contains("token-abc"));
        assert_ne!(
            sealed,
            seal(KEY, "demo", "token-abc").unwrap(),
            "fresh nonce"
        );
        assert_eq!(open(KEY, "demo", &sealed).unwrap(), "token-abc");
        assert_eq!(open(KEY, "other", &sealed), Err(SealError::Unreadable));
        let other_key = KEY.replace("00", "ff");
        assert_eq!(
            open(&other_key, "demo", &sealed),
            Err(SealError::Unreadable)
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('0') { '1' } else { '0' });
        assert_eq!(open(KEY, "demo", &tampered), Err(SealError::Unreadable));
        assert_eq!(seal("short", "demo", "x"), Err(SealError::BadKey));
    }
}
