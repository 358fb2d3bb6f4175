//! The flow's bank and books in production: Mokafaa over HTTP and the D1 store.

use super::{Bank, Books, Debit, Step};
use crate::domain::ledger::Actor;
use crate::domain::notice::NoticeKind;
use crate::http::ApiResult;
use crate::mokafaa::client::MokafaaClient;
use crate::mokafaa::errors::BankFailure;
use crate::notify;
use crate::rate_limit;
use crate::store::challenges;
use crate::store::rate_limits;
use crate::store::redemptions::{self, CartHolder, LedgerStep, RedemptionRow};
use crate::store::Db;
use loyalty_shared::{Locale, Money, Otp};

/// The merchant's Mokafaa account at the request's time.
pub struct MokafaaBank<'a> {
    pub client: &'a MokafaaClient,
    pub now: i64,
}

impl Bank for MokafaaBank<'_> {
    async fn redeem(
        &self,
        otp: &Otp,
        otp_token: &str,
        amount: Money,
        locale: Locale,
    ) -> Result<Debit, BankFailure> {
        self.client
            .redeem(otp.as_str(), otp_token, amount, locale, self.now)
            .await
            .map(|answer| Debit {
                transaction_id: answer.transaction_id,
                points: answer.points_amount.map(|p| p.saturating_abs()),
            })
    }

    async fn balance(&self, otp_token: &str) -> Result<u64, BankFailure> {
        self.client.balance(otp_token, self.now).await
    }
}

/// D1 at the request's time, written as the shopper.
pub struct D1Books<'a> {
    pub db: &'a Db,
    pub now: i64,
    /// The store's name, for the shopper's "points redeemed" notice.
    pub store_name: &'a str,
}

impl Books for D1Books<'_> {
    async fn cart_holder(&self, session_id: &str) -> ApiResult<CartHolder> {
        redemptions::cart_holder(self.db, session_id).await
    }

    async fn give_back_guess(&self, key: &str) -> ApiResult<()> {
        rate_limit::give_back(self.db, key).await
    }

    async fn confirm(
        &self,
        row: &RedemptionRow,
        step: Step<'_>,
        challenge_id: &str,
        guess_key: &str,
    ) -> ApiResult<Option<RedemptionRow>> {
        let notice = notify::queued_with_step(
            self.db,
            row,
            NoticeKind::Redeemed,
            self.store_name,
            self.now,
        )?;
        // The notice first: it follows the audit row, written only if the step was.
        let also = vec![
            notice,
            challenges::used(self.db, challenge_id)?,
            rate_limits::uncounted(self.db, guess_key)?,
        ];
        let step = LedgerStep {
            event: step.event,
            actor: Actor::Shopper,
            reason: step.reason,
            extra: step.changes,
            now: self.now,
        };
        redemptions::transition_with(self.db, row, step, also).await
    }

    async fn wrong_code(&self, challenge_id: &str) -> ApiResult<()> {
        challenges::record_wrong_attempt(self.db, challenge_id).await
    }

    async fn transition(
        &self,
        row: &RedemptionRow,
        step: Step<'_>,
    ) -> ApiResult<Option<RedemptionRow>> {
        let Step {
            event,
            reason,
            changes,
        } = step;
        let (actor, now) = (Actor::Shopper, self.now);
        redemptions::transition(self.db, row, event, actor, reason, changes, now).await
    }
}
