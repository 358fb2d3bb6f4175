//! The shopper's early word on a typed IBAN, before the edge is asked.
//!
//! The edge reads it with `loyalty_shared::SaudiIban::parse` (the `iban_validate` crate:
//! every country's format). The widget only ever takes Saudi IBANs, so it checks their one
//! format and the mod-97 check digits itself and leaves the crate's tables (7 KB) out of
//! the wasm; a test holds both to the same answer.

use loyalty_shared::digits::ascii_digit;
use loyalty_shared::ErrorCode;

/// "SA", 2 check digits, a 2-digit bank code, 18 letters or digits.
const SAUDI_IBAN_LEN: usize = 24;

/// A Saudi IBAN as typed (spaces, dashes, lower case, Arabic-Indic digits) in its compact
/// form, or `invalid_account`.
pub fn saudi_iban(typed: &str) -> Result<String, ErrorCode> {
    let mut compact = String::with_capacity(SAUDI_IBAN_LEN);
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        match ascii_digit(c) {
            Some(d) => compact.push(char::from(b'0' + d)),
            None if c.is_ascii_alphabetic() => compact.push(c.to_ascii_uppercase()),
            None => return Err(ErrorCode::InvalidAccount),
        }
    }
    let bytes = compact.as_bytes();
    let well_formed = bytes.len() == SAUDI_IBAN_LEN
        && compact.starts_with("SA")
        && bytes[2..6].iter().all(u8::is_ascii_digit);
    if !well_formed || mod_97(bytes) != 1 {
        return Err(ErrorCode::InvalidAccount);
    }
    Ok(compact)
}

/// ISO 13616's check: the first four characters moved to the end, letters as 10..35, the
/// whole read as one number modulo 97 (1 for a valid IBAN).
fn mod_97(iban: &[u8]) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.iter().chain(head).fold(0, |rest, &c| match c {
        b'0'..=b'9' => (rest * 10 + u32::from(c - b'0')) % 97,
        _ => (rest * 100 + u32::from(c - b'A') + 10) % 97,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::SaudiIban;

    const VALID: &str = "SA0380000000608010167519";

    /// The crate the edge uses and this check agree on `typed`.
    fn agree(typed: &str) {
        let edge = SaudiIban::parse(typed).map(|i| i.as_str().to_string());
        assert_eq!(saudi_iban(typed).ok(), edge.ok(), "{typed:?}");
    }

    #[test]
    fn a_valid_iban_as_shoppers_type_it() {
        for typed in [
            VALID,
            "sa03 8000 0000 6080 1016 7519",
            "SA03-8000-0000-6080-1016-7519",
            "SA٠٣80000000608010167519",
            " SA0380000000608010167519 ",
        ] {
            assert_eq!(saudi_iban(typed).as_deref(), Ok(VALID));
            agree(typed);
        }
    }

    #[test]
    fn every_one_character_change_is_judged_as_the_edge_judges_it() {
        let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZa#";
        for at in 0..VALID.len() {
            for c in alphabet.chars() {
                let mut typed = VALID.to_string();
                typed.replace_range(at..=at, &c.to_string());
                agree(&typed);
            }
        }
    }

    #[test]
    fn lengths_countries_and_check_digits_are_judged_as_the_edge_judges_them() {
        for check in 0..100 {
            agree(&format!("SA{check:02}80000000608010167519"));
            agree(&format!("SA{check:02}8000000060801016751X"));
        }
        for typed in [
            "",
            "SA",
            "SA038000000060801016751",
            "SA03800000006080101675190",
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "SA03AB00000060801016751",
            "SA0380000000608010167519SA0380000000608010167519",
        ] {
            agree(typed);
        }
    }
}
