//! The one handle on D1 every request and cron run uses. It counts what a request costs
//! (statements, and round trips: a batch is one) so the bench and an e2e test can hold
//! each route to its budget; on Cloudflare every round trip goes to the database's primary.

use crate::counters::Tally;
use std::rc::Rc;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// D1 plus this request's tally.
#[derive(Clone)]
pub struct Db {
    inner: Rc<D1Database>,
    tally: Tally,
}

impl Db {
    pub fn new(inner: D1Database, tally: Tally) -> Db {
        Db {
            inner: Rc::new(inner),
            tally,
        }
    }

    /// What this request has cost so far (shared with the upstream clients).
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// A statement to bind; it costs nothing until it runs.
    pub(super) fn prepare(&self, sql: &str) -> D1PreparedStatement {
        self.inner.prepare(sql)
    }

    /// Runs one statement: one round trip.
    pub(super) async fn execute(&self, statement: D1PreparedStatement) -> worker::Result<D1Result> {
        self.tally.d1(1);
        statement.run().await
    }

    /// The first row of one statement: one round trip.
    pub(super) async fn first_row<T: serde::de::DeserializeOwned>(
        &self,
        statement: D1PreparedStatement,
    ) -> worker::Result<Option<T>> {
        self.tally.d1(1);
        statement.first(None).await
    }

    /// Every row of one statement: one round trip.
    pub(super) async fn all_rows(
        &self,
        statement: D1PreparedStatement,
    ) -> worker::Result<D1Result> {
        self.tally.d1(1);
        statement.all().await
    }

    /// Several statements in one round trip, as one transaction.
    pub(super) async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> worker::Result<Vec<D1Result>> {
        self.tally.d1(statements.len());
        self.inner.batch(statements).await
    }
}
