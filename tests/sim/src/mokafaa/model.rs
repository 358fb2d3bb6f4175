//! The simulated bank's books: customers, OTPs, transactions and their ids, as plain data
//! and methods with no HTTP, tested directly. The HTTP shapes are in `http.rs`.
//!
//! [I] choices (the bank publishes none of these) are the constants and [`Config`] below.

use loyalty_shared::{CustomerNumber, MokafaaRate, Money, SaudiMobile};
use serde::{Deserialize, Serialize};

pub const CLIENT_ID: &str = "sim-mokafaa-client";
pub const CLIENT_SECRET: &str = "sim-mokafaa-secret";
pub const MERCHANT_TOKEN: &str = "sim-merchant-token";
pub const MERCHANT_NAME: &str = "PT_TAK_01";
/// Access tokens live an hour [S: 3600 seen].
pub const TOKEN_LIFETIME: i64 = 3600;
/// An OTP lives 3 minutes [S].
pub const OTP_LIFETIME: i64 = 180;
/// [I] Wrong OTPs on one token before the bank answers 401 TIME_EXCEEDED.
pub const MAX_WRONG_OTPS: u32 = 5;
/// [I] The largest single redemption, in SAR minor units; above it the message says "exceeds".
pub const MAX_AMOUNT_MINOR: u64 = 10_000_000;

/// The documented business error codes [S].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankError {
    ValidationFailed,
    BalanceInsufficient,
    LowerThanMinimum,
    StoreInvalid,
    UserDoesNotExist,
    OtpStillValid,
    InvalidOtp,
    OtpExpired,
    TransactionFailed,
    TimeExceeded,
    AmountExceeds,
    OtpAlreadyUsed,
}

impl BankError {
    pub fn code(self) -> u32 {
        match self {
            BankError::ValidationFailed | BankError::AmountExceeds | BankError::OtpAlreadyUsed => {
                101
            }
            BankError::BalanceInsufficient => 204,
            BankError::LowerThanMinimum => 205,
            BankError::StoreInvalid => 206,
            BankError::UserDoesNotExist => 209,
            BankError::OtpStillValid => 210,
            BankError::InvalidOtp => 301,
            BankError::OtpExpired => 303,
            BankError::TransactionFailed => 304,
            BankError::TimeExceeded => 401,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            BankError::ValidationFailed => "VALIDATION_FAILED",
            BankError::BalanceInsufficient => "BALANCE_INSUFFICIENT",
            BankError::LowerThanMinimum => "LOWER_THAN_THE_MINIMUM_BALANCE",
            BankError::StoreInvalid => "STORE_IS_INVALID",
            BankError::UserDoesNotExist => "USER_DOES_NOT_EXIST",
            BankError::OtpStillValid => "OTP_IS_STILL_VALID",
            BankError::InvalidOtp => "INVALID_OTP",
            BankError::OtpExpired => "OTP_EXPIRED",
            BankError::TransactionFailed => "TRANSACTION_FAILED",
            BankError::TimeExceeded => "TIME_EXCEEDED",
            BankError::AmountExceeds => "The amount exceeds the maximum allowed per transaction",
            BankError::OtpAlreadyUsed => "OTP token already used",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// `05XXXXXXXX`.
    pub mobile: String,
    pub cic: String,
    pub points: i64,
    #[serde(default)]
    pub blocked: bool,
    /// [I] IBAN verification: the field the edge sends as `iban`.
    #[serde(default)]
    pub iban: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Otp {
    pub mobile: String,
    pub otp: String,
    pub otp_token: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub wrong: u32,
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    #[serde(rename = "transactionID")]
    pub id: i64,
    #[serde(rename = "transactionType")]
    pub kind: String,
    pub mobile: String,
    #[serde(rename = "pointsAmount")]
    pub points_amount: i64,
    /// SAR as a decimal string.
    pub amount: String,
    /// Unix seconds of the simulated clock.
    pub at: i64,
    #[serde(rename = "transactionDate")]
    pub date: String,
    pub status: String,
    /// For a reversal: the redemption it reverses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<i64>,
}

/// Switches a test may set through the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub points_per_sar: u32,
    /// [I] The smallest redemption (205 below it), SAR minor units.
    pub min_amount_minor: u64,
    /// Answer `status` and `otp_token_expired_in_min` as strings ("200", "3").
    pub answer_numbers_as_strings: bool,
    /// Valid `mappingPosID`s; a request without one is accepted.
    pub pos_ids: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            points_per_sar: 250,
            min_amount_minor: 100,
            answer_numbers_as_strings: false,
            pos_ids: vec!["1001".into()],
        }
    }
}

/// The simulated bank's books. Plain methods, no HTTP: tested directly.
#[derive(Debug, Default)]
pub struct Bank {
    pub customers: Vec<Customer>,
    pub otps: Vec<Otp>,
    pub transactions: Vec<Transaction>,
    pub tokens: Vec<(String, i64)>,
    pub config: Config,
    next_id: i64,
}

/// Who asks for an OTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Mobile(String),
    Cic(String),
    Iban(String),
}

/// Transaction ids continue across restarts (the edge's ledger outlives the simulator in
/// `cargo xtask dev`): they start from the wall clock's milliseconds, far below 2^53.
fn first_transaction_id() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(1_560_891))
        .unwrap_or(1_560_891)
}

fn date_text(at: i64) -> String {
    loyalty_shared::UtcDateTime::from_unix(at).date_time_text()
}

impl Bank {
    /// The seed data written in the README.
    pub fn seeded() -> Bank {
        let customer = |mobile: &str, cic: &str, points: i64, blocked: bool| Customer {
            mobile: mobile.into(),
            cic: cic.into(),
            points,
            blocked,
            iban: None,
        };
        Bank {
            customers: vec![
                Customer {
                    iban: Some("SA0380000000608010167519".into()),
                    ..customer("0501234567", "12345678", 1_000_000, false)
                },
                customer("0559876543", "87654321", 100, false),
                customer("0533333333", "33333333", 50_000, true),
            ],
            next_id: first_transaction_id(),
            ..Bank::default()
        }
    }

    pub fn add_customer(&mut self, customer: Customer) -> Result<(), BankError> {
        let mobile = SaudiMobile::parse(&customer.mobile)
            .map_err(|_| BankError::ValidationFailed)?
            .to_mokafaa();
        if self
            .customers
            .iter()
            .any(|c| c.mobile == mobile || c.cic == customer.cic)
        {
            return Err(BankError::ValidationFailed);
        }
        self.customers.push(Customer { mobile, ..customer });
        Ok(())
    }

    pub fn issue_token(&mut self, token: String, now: i64) {
        self.tokens.retain(|(_, exp)| *exp > now);
        self.tokens.push((token, now + TOKEN_LIFETIME));
    }

    pub fn token_valid(&self, token: &str, now: i64) -> bool {
        self.tokens.iter().any(|(t, exp)| t == token && *exp > now)
    }

    fn customer_index(&self, who: &Who) -> Result<usize, BankError> {
        let found = match who {
            Who::Mobile(text) => {
                let mobile = SaudiMobile::parse(text)
                    .map_err(|_| BankError::ValidationFailed)?
                    .to_mokafaa();
                self.customers.iter().position(|c| c.mobile == mobile)
            }
            Who::Cic(text) => {
                let cic = CustomerNumber::parse(text).map_err(|_| BankError::ValidationFailed)?;
                self.customers.iter().position(|c| c.cic == cic.as_str())
            }
            Who::Iban(text) => {
                let iban = loyalty_shared::SaudiIban::parse(text)
                    .map_err(|_| BankError::ValidationFailed)?;
                self.customers
                    .iter()
                    .position(|c| c.iban.as_deref() == Some(iban.as_str()))
            }
        };
        found.ok_or(BankError::UserDoesNotExist)
    }

    /// Texts an OTP to the customer's phone; 210 while the last one is still valid.
    pub fn authorize(
        &mut self,
        who: &Who,
        pos: Option<&str>,
        now: i64,
        otp: String,
        token: String,
    ) -> Result<Otp, BankError> {
        if let Some(pos) = pos {
            if !self.config.pos_ids.iter().any(|p| p == pos) {
                return Err(BankError::StoreInvalid);
            }
        }
        let mobile = self.customers[self.customer_index(who)?].mobile.clone();
        if self
            .otps
            .iter()
            .any(|o| o.mobile == mobile && !o.used && o.expires_at > now)
        {
            return Err(BankError::OtpStillValid);
        }
        let issued = Otp {
            mobile,
            otp,
            otp_token: token,
            issued_at: now,
            expires_at: now + OTP_LIFETIME,
            wrong: 0,
            used: false,
        };
        self.otps.push(issued.clone());
        Ok(issued)
    }

    /// Validates the OTP and redeems `amount` in one step, as the bank does.
    pub fn redeem(
        &mut self,
        otp_value: &str,
        otp_token: &str,
        amount: Money,
        now: i64,
    ) -> Result<Transaction, BankError> {
        let index = self
            .otps
            .iter()
            .position(|o| o.otp_token == otp_token)
            .ok_or(BankError::ValidationFailed)?;
        let otp = &self.otps[index];
        if otp.used {
            return Err(BankError::OtpAlreadyUsed);
        }
        if otp.wrong >= MAX_WRONG_OTPS {
            return Err(BankError::TimeExceeded);
        }
        if now >= otp.expires_at {
            return Err(BankError::OtpExpired);
        }
        if otp.otp != otp_value {
            self.otps[index].wrong += 1;
            return Err(BankError::InvalidOtp);
        }
        let mobile = otp.mobile.clone();
        let customer = self
            .customers
            .iter()
            .position(|c| c.mobile == mobile)
            .ok_or(BankError::UserDoesNotExist)?;
        if self.customers[customer].blocked {
            return Err(BankError::TransactionFailed);
        }
        if amount.minor > MAX_AMOUNT_MINOR {
            return Err(BankError::AmountExceeds);
        }
        if amount.minor < self.config.min_amount_minor {
            return Err(BankError::LowerThanMinimum);
        }
        let rate = MokafaaRate::new(self.config.points_per_sar)
            .map_err(|_| BankError::TransactionFailed)?;
        let points = i64::try_from(
            rate.points_for(amount)
                .map_err(|_| BankError::ValidationFailed)?,
        )
        .map_err(|_| BankError::AmountExceeds)?;
        if points > self.customers[customer].points {
            return Err(BankError::BalanceInsufficient);
        }
        self.customers[customer].points -= points;
        self.otps[index].used = true;
        self.next_id += 1;
        let txn = Transaction {
            id: self.next_id,
            kind: "Redemption".into(),
            mobile,
            points_amount: -points,
            amount: amount.to_decimal_string(),
            at: now,
            date: date_text(now),
            status: "Completed".into(),
            reverses: None,
        };
        self.transactions.push(txn.clone());
        Ok(txn)
    }

    /// Reverses a redemption exactly once; anything else is "Validation Failed".
    pub fn reverse(&mut self, transaction_id: i64, now: i64) -> Result<Transaction, BankError> {
        let index = self
            .transactions
            .iter()
            .position(|t| t.id == transaction_id && t.kind == "Redemption")
            .ok_or(BankError::ValidationFailed)?;
        if self
            .transactions
            .iter()
            .any(|t| t.reverses == Some(transaction_id))
        {
            return Err(BankError::ValidationFailed);
        }
        let original = self.transactions[index].clone();
        let customer = self
            .customers
            .iter_mut()
            .find(|c| c.mobile == original.mobile)
            .ok_or(BankError::ValidationFailed)?;
        customer.points -= original.points_amount;
        self.transactions[index].status = "Reversed".into();
        self.next_id += 1;
        let reversal = Transaction {
            id: self.next_id,
            kind: "Reversal".into(),
            points_amount: -original.points_amount,
            at: now,
            date: date_text(now),
            status: "Completed".into(),
            reverses: Some(transaction_id),
            ..original
        };
        self.transactions.push(reversal.clone());
        Ok(reversal)
    }

    pub fn transactions_between(&self, from: i64, to: i64) -> Vec<Transaction> {
        self.transactions
            .iter()
            .filter(|t| t.at >= from && t.at <= to)
            .cloned()
            .collect()
    }

    /// The balance behind an OTP token (the labelled extension).
    pub fn balance(&self, otp_token: &str) -> Option<i64> {
        let otp = self.otps.iter().find(|o| o.otp_token == otp_token)?;
        self.customers
            .iter()
            .find(|c| c.mobile == otp.mobile)
            .map(|c| c.points)
    }

    /// The last OTP texted to a phone, for the SMS console.
    pub fn last_otp(&self, mobile: &str) -> Option<&Otp> {
        let mobile = SaudiMobile::parse(mobile).ok()?.to_mokafaa();
        self.otps.iter().rev().find(|o| o.mobile == mobile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::Currency;
    use proptest::prelude::*;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    fn issue(bank: &mut Bank, who: Who, now: i64) -> Otp {
        bank.authorize(
            &who,
            None,
            now,
            "1234".into(),
            format!("tok-{now}-{}", bank.otps.len()),
        )
        .unwrap()
    }

    #[test]
    fn redeem_then_reverse_once() {
        let mut bank = Bank::seeded();
        let otp = issue(&mut bank, Who::Mobile("+966501234567".into()), 0);
        let txn = bank
            .redeem("1234", &otp.otp_token, sar(10_000), 10)
            .unwrap();
        assert_eq!(txn.points_amount, -25_000);
        assert_eq!(bank.customers[0].points, 975_000);
        assert_eq!(
            bank.redeem("1234", &otp.otp_token, sar(100), 11),
            Err(BankError::OtpAlreadyUsed)
        );
        bank.reverse(txn.id, 20).unwrap();
        assert_eq!(bank.customers[0].points, 1_000_000);
        assert_eq!(bank.reverse(txn.id, 21), Err(BankError::ValidationFailed));
    }

    #[test]
    fn every_documented_error_is_reachable() {
        let mut bank = Bank::seeded();
        let mobile = |m: &str| Who::Mobile(m.into());
        let iban = |i: &str| Who::Iban(i.into());
        // Refused before any OTP exists.
        for (who, pos, refusal) in [
            (mobile("0500000000"), None, BankError::UserDoesNotExist),
            (mobile("0501234567"), Some("9"), BankError::StoreInvalid),
            (mobile("12"), None, BankError::ValidationFailed),
        ] {
            let answer = bank.authorize(&who, pos, 0, "1".into(), "t".into());
            assert_eq!(answer, Err(refusal), "{who:?}");
        }
        let otp = issue(&mut bank, Who::Cic("12345678".into()), 0);
        assert_eq!(otp.mobile, "0501234567", "the CIC texts the phone on file");
        // The IBAN finds the same customer, whose code is still valid; a typo finds nobody.
        for (who, at, refusal) in [
            (
                iban("sa03 8000 0000 6080 1016 7519"),
                1,
                BankError::OtpStillValid,
            ),
            (
                iban("SA0380000000608010167518"),
                1,
                BankError::ValidationFailed,
            ),
            (mobile("0501234567"), 10, BankError::OtpStillValid),
        ] {
            let answer = bank.authorize(&who, None, at, "1".into(), format!("t{at}"));
            assert_eq!(answer, Err(refusal), "{who:?}");
        }
        for (code, minor, at, refusal) in [
            ("9999", 100, 1, BankError::InvalidOtp),
            ("1234", 50, 1, BankError::LowerThanMinimum),
            ("1234", MAX_AMOUNT_MINOR + 1, 1, BankError::AmountExceeds),
            ("1234", 100, OTP_LIFETIME, BankError::OtpExpired),
        ] {
            let answer = bank.redeem(code, &otp.otp_token, sar(minor), at);
            assert_eq!(answer, Err(refusal), "{code}, {minor} at {at}");
        }
        for (who, refusal) in [
            ("0559876543", BankError::BalanceInsufficient),
            ("0533333333", BankError::TransactionFailed),
        ] {
            let issued = issue(&mut bank, mobile(who), 0);
            let answer = bank.redeem("1234", &issued.otp_token, sar(100), 1);
            assert_eq!(answer, Err(refusal), "{who}");
        }
        let fresh = issue(&mut bank, mobile("0501234567"), 500);
        let mut guess = |code: &str| bank.redeem(code, &fresh.otp_token, sar(100), 501);
        for _ in 0..MAX_WRONG_OTPS {
            assert_eq!(guess("0000"), Err(BankError::InvalidOtp));
        }
        assert_eq!(guess("1234"), Err(BankError::TimeExceeded));
        let codes: Vec<u32> = [
            BankError::ValidationFailed,
            BankError::BalanceInsufficient,
            BankError::LowerThanMinimum,
            BankError::StoreInvalid,
            BankError::UserDoesNotExist,
            BankError::OtpStillValid,
            BankError::InvalidOtp,
            BankError::OtpExpired,
            BankError::TransactionFailed,
            BankError::TimeExceeded,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(codes, [101, 204, 205, 206, 209, 210, 301, 303, 304, 401]);
    }

    #[test]
    fn dates_read_like_the_banks() {
        assert_eq!(date_text(1_707_646_403), "2024-02-11 10:13:23");
    }

    #[derive(Debug, Clone)]
    enum Op {
        Authorize(usize),
        Redeem(usize, u64, bool),
        Reverse(usize),
        Advance(i64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..3).prop_map(Op::Authorize),
            (0usize..3, 0u64..500_000, any::<bool>())
                .prop_map(|(c, m, right)| Op::Redeem(c, m, right)),
            (0usize..20).prop_map(Op::Reverse),
            (0i64..400).prop_map(Op::Advance),
        ]
    }

    proptest! {
        /// Whatever happens, each balance moved by exactly redemptions minus reversals, and
        /// no balance went negative.
        #[test]
        fn the_books_always_balance(ops in proptest::collection::vec(op(), 0..60)) {
            let mut bank = Bank::seeded();
            let start: Vec<i64> = bank.customers.iter().map(|c| c.points).collect();
            let mobiles = ["0501234567", "0559876543", "0533333333"];
            let mut now = 0;
            for (i, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Authorize(c) => { let _ = bank.authorize(&Who::Mobile(mobiles[c].into()), None, now, "1234".into(), format!("t{i}")); }
                    Op::Redeem(c, minor, right) => {
                        if let Some(otp) = bank.otps.iter().rev().find(|o| o.mobile == mobiles[c]).cloned() {
                            let _ = bank.redeem(if right { "1234" } else { "0000" }, &otp.otp_token, sar(minor), now);
                        }
                    }
                    Op::Reverse(k) => {
                        if let Some(id) = bank.transactions.get(k).map(|t| t.id) { let _ = bank.reverse(id, now); }
                    }
                    Op::Advance(s) => now += s,
                }
            }
            for (c, customer) in bank.customers.iter().enumerate() {
                prop_assert!(customer.points >= 0);
                let moved: i64 = bank.transactions.iter().filter(|t| t.mobile == customer.mobile).map(|t| t.points_amount).sum();
                prop_assert_eq!(customer.points - start[c], moved);
            }
            let reversed_once = bank.transactions.iter().filter_map(|t| t.reverses).collect::<Vec<_>>();
            let mut unique = reversed_once.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), reversed_once.len());
        }
    }
}
