//! The flow's bank and books in production: Mokafaa over HTTP and the D1 store.

use super::{Bank, Books, Step};
use crate::domain::ledger::Actor;
use crate::domain::notice::NoticeKind;
use crate::domain::rate_limit::Limit;
use crate::http::ApiResult;
use crate::mokafaa::client::MokafaaClient;
use crate::mokafaa::errors::BankFailure;
use crate::notify;
use crate::rate_limit::{self, Taken};
use crate::store::challenges::{self, ChallengeRow};
use crate::store::redemptions::{self, Claimed, RedemptionRow};
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
    ) -> Result<Option<i64>, BankFailure> {
        self.client
            .redeem(otp.as_str(), otp_token, amount, locale, self.now)
            .await
            .map(|answer| answer.transaction_id)
    }

    async fn balance(&self, otp_token: &str) -> Result<u64, BankFailure> {
        self.client.balance(otp_token, self.now).await
    }
}

/// D1 at the request's time, written as the shopper.
pub struct D1Books<'a> {
    pub db: &'a Db,
    pub now: i64,
}

impl Books for D1Books<'_> {
    async fn by_key(&self, session_id: &str, key: &str) -> ApiResult<Option<RedemptionRow>> {
        redemptions::by_key(self.db, session_id, key).await
    }

    async fn challenge(&self, id: &str, session_id: &str) -> ApiResult<Option<ChallengeRow>> {
        challenges::get(self.db, id, session_id).await
    }

    async fn claim(&self, candidate: &RedemptionRow) -> ApiResult<Claimed> {
        redemptions::claim(self.db, candidate, Actor::Shopper).await
    }

    async fn take_guess(&self, key: &str, limit: Limit) -> ApiResult<Taken> {
        rate_limit::take(self.db, key, limit, self.now).await
    }

    async fn give_back_guess(&self, key: &str) -> ApiResult<()> {
        rate_limit::give_back(self.db, key).await
    }

    async fn challenge_used(&self, challenge_id: &str) -> ApiResult<()> {
        challenges::mark_used(self.db, challenge_id).await
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

    async fn redeemed(&self, row: &RedemptionRow) {
        notify::queue(self.db, row, NoticeKind::Redeemed, self.now).await;
    }
}
