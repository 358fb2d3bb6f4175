//! The simulated Pongo account: plain data and methods, no HTTP, tested directly.
//!
//! [I] choices, in one place: the opt-in field names `email_optin` / `sms_optin`, the
//! enums below, the reward paths in the router, the code lifetime (10 minutes), the token
//! lifetime (1 hour) and the checkin delay (60 minutes).

use loyalty_shared::{EarnRate, InternationalPhone, PartnerParameters};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const CLIENT_ID: &str = "sim-pongo-client";
pub const CLIENT_SECRET: &str = "sim-pongo-secret";
/// How long an authorization code may be exchanged.
pub const CODE_LIFETIME_SECONDS: i64 = 600;
pub const CHANNELS: &[&str] = &["online", "in_store", "phone", "other"];
pub const DELIVERY_MODES: &[&str] = &["delivery", "pickup", "on_site", "none"];
pub const ORDER_STATUSES: &[&str] = &["paid", "pending", "cancelled", "refunded"];
pub const DELIVERY_STATUSES: &[&str] = &["pending", "delivered", "none"];
pub const GENDERS: &[&str] = &["man", "woman", "undisclosed", "other"];
pub const WEBHOOK_EVENTS: &[&str] = &["customer.created", "customer.updated"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    RewardCreate,
    RewardRead,
    RewardUpdate,
    OrderCreate,
    OrderRead,
    OrderUpdate,
    CheckinCreate,
}

impl Scope {
    const ALL: [Scope; 10] = [
        Scope::CustomerCreate,
        Scope::CustomerRead,
        Scope::CustomerUpdate,
        Scope::RewardCreate,
        Scope::RewardRead,
        Scope::RewardUpdate,
        Scope::OrderCreate,
        Scope::OrderRead,
        Scope::OrderUpdate,
        Scope::CheckinCreate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::CustomerCreate => "customer.create",
            Scope::CustomerRead => "customer.read",
            Scope::CustomerUpdate => "customer.update",
            Scope::RewardCreate => "reward.create",
            Scope::RewardRead => "reward.read",
            Scope::RewardUpdate => "reward.update",
            Scope::OrderCreate => "order.create",
            Scope::OrderRead => "order.read",
            Scope::OrderUpdate => "order.update",
            Scope::CheckinCreate => "checkin.create",
        }
    }

    /// Scopes as the OAuth form gets them: comma-separated [S] (spaces tolerated).
    pub fn parse_list(text: &str) -> Vec<Scope> {
        text.split([',', ' '])
            .filter_map(|s| {
                Scope::ALL
                    .into_iter()
                    .find(|scope| scope.name() == s.trim())
            })
            .collect()
    }
}

/// A Laravel validation failure: field -> message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid {
    pub errors: Vec<(String, String)>,
}

impl Invalid {
    pub fn field(field: &str, message: &str) -> Invalid {
        Invalid {
            errors: vec![(field.to_string(), message.to_string())],
        }
    }

    fn add(&mut self, field: &str, message: &str) {
        self.errors.push((field.to_string(), message.to_string()));
    }

    fn into_result(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub client_id: String,
    pub client_secret: String,
    pub merchant_name: String,
    /// `redirect_uri`s must start with one of these (Pongo's whitelist).
    pub redirect_prefixes: Vec<String>,
    pub checkin_delay_seconds: i64,
    pub token_lifetime_seconds: i64,
    pub partner_parameters: PartnerParameters,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            merchant_name: "Demo Coffee Roasters".into(),
            redirect_prefixes: vec![
                "http://127.0.0.1:8787/".into(),
                "http://localhost:8787/".into(),
            ],
            checkin_delay_seconds: 3600,
            token_lifetime_seconds: 3600,
            partner_parameters: PartnerParameters {
                points_per_euro: EarnRate::from_scaled(15_000),
                min_amount_cents: 500,
                rounding: Default::default(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// The customer's public id.
    pub id: String,
    pub phone: Option<String>,
    pub payment_method_hash: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email_optin: bool,
    pub sms_optin: bool,
    pub points: u64,
    pub reference_store_slug: String,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub tags: Vec<String>,
    pub last_checkin_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub customer_id: Option<String>,
    pub order_id: String,
    pub store_slug: String,
    pub amount: u64,
    pub status: String,
    pub points_earned: u64,
    pub reward_ids: Vec<String>,
    pub lines: Value,
    pub payments: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkin {
    pub id: String,
    pub customer_id: String,
    pub store_slug: String,
    pub amount: u64,
    pub points_earned: u64,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    pub id: String,
    pub name: String,
    /// Points it costs.
    pub points: u64,
    /// Comma-separated POS SKUs.
    pub external_id: String,
    /// Stores it is limited to; empty means every store.
    #[serde(default)]
    pub store_slugs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerReward {
    pub id: String,
    pub reward_id: String,
    pub customer_id: String,
    pub locked: bool,
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub event: String,
    pub url: String,
    pub status: Option<u16>,
}

/// Every change of a customer's points, so the books can be checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsEntry {
    pub customer_id: String,
    pub delta: i64,
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Code {
    code: String,
    redirect_uri: String,
    scopes: Vec<Scope>,
    expires_at: i64,
    used: bool,
}

#[derive(Debug, Clone)]
struct Token {
    token: String,
    scopes: Vec<Scope>,
    expires_at: i64,
    revoked: bool,
}

#[derive(Debug, Default)]
pub struct Pongo {
    pub stores: Vec<Store>,
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
    pub checkins: Vec<Checkin>,
    pub rewards: Vec<Reward>,
    pub customer_rewards: Vec<CustomerReward>,
    pub webhooks: Vec<Webhook>,
    pub deliveries: Vec<Delivery>,
    pub points_log: Vec<PointsEntry>,
    codes: Vec<Code>,
    tokens: Vec<Token>,
    pub config: Config,
}

fn text(body: &Value, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_string)
}

/// `Y-m-d` as a calendar date.
fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && y.parse::<u32>().is_ok()
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)))
}

/// Unix seconds of `Y-m-d\TH:i:sP` (e.g. `2026-11-24T10:00:00+03:00`).
pub fn parse_datetime(text: &str) -> Option<i64> {
    let (date, rest) = text.split_once('T')?;
    if !valid_date(date) || rest.len() != 14 {
        return None;
    }
    let (time, offset) = rest.split_at(8);
    let num = |s: &str| s.parse::<i64>().ok();
    let (y, m, d) = (num(&date[0..4])?, num(&date[5..7])?, num(&date[8..10])?);
    let t: Vec<i64> = time.split(':').map(num).collect::<Option<_>>()?;
    let sign = match &offset[..1] {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    let (oh, om) = (num(&offset[1..3])?, num(&offset[4..6])?);
    let days = loyalty_shared::utc::days_from_civil(y, m, d);
    Some(
        days * 86_400 + t.first()? * 3600 + t.get(1)? * 60 + t.get(2)?
            - sign * (oh * 3600 + om * 60),
    )
}

impl Pongo {
    /// The seed data written in the README.
    pub fn seeded() -> Pongo {
        let store = |slug: &str, name: &str| Store {
            slug: slug.into(),
            name: name.into(),
        };
        let reward = |id: &str, name: &str, points: u64, sku: &str| Reward {
            id: id.into(),
            name: name.into(),
            points,
            external_id: sku.into(),
            store_slugs: vec![],
        };
        Pongo {
            stores: vec![
                store("riyadh-olaya", "Riyadh Olaya"),
                store("jeddah-corniche", "Jeddah Corniche"),
            ],
            customers: vec![Customer {
                id: "cust-seed-1".into(),
                phone: Some("966501234567".into()),
                payment_method_hash: None,
                email: Some("seed.shopper@example.sa".into()),
                first_name: Some("Sara".into()),
                last_name: None,
                email_optin: true,
                sms_optin: true,
                points: 320,
                reference_store_slug: "riyadh-olaya".into(),
                gender: None,
                birthday: None,
                tags: vec![],
                last_checkin_at: None,
            }],
            rewards: vec![
                reward("reward-coffee", "Free coffee", 100, "SKU-COFFEE"),
                reward("reward-10-off", "10% off", 250, "SKU-10OFF"),
            ],
            ..Pongo::default()
        }
    }

    pub fn redirect_allowed(&self, uri: &str) -> bool {
        self.config
            .redirect_prefixes
            .iter()
            .any(|p| uri.starts_with(p.as_str()))
    }

    pub fn issue_code(&mut self, code: String, redirect_uri: &str, scopes: Vec<Scope>, now: i64) {
        self.codes.push(Code {
            code,
            redirect_uri: redirect_uri.into(),
            scopes,
            expires_at: now + CODE_LIFETIME_SECONDS,
            used: false,
        });
    }

    /// A code is good once and for ten minutes.
    pub fn exchange(&mut self, code: &str, now: i64) -> Result<Vec<Scope>, Invalid> {
        let invalid = || Invalid::field("code", "The code is invalid or has expired.");
        let found = self
            .codes
            .iter_mut()
            .find(|c| c.code == code)
            .ok_or_else(invalid)?;
        if found.used || now >= found.expires_at || found.redirect_uri.is_empty() {
            return Err(invalid());
        }
        found.used = true;
        Ok(found.scopes.clone())
    }

    pub fn issue_token(&mut self, token: String, scopes: Vec<Scope>, expires_at: i64) {
        self.tokens.push(Token {
            token,
            scopes,
            expires_at,
            revoked: false,
        });
    }

    pub fn token_scopes(&self, token: &str, now: i64) -> Option<Vec<Scope>> {
        self.tokens
            .iter()
            .find(|t| t.token == token && !t.revoked && now < t.expires_at)
            .map(|t| t.scopes.clone())
    }

    pub fn revoke_tokens(&mut self) {
        self.tokens.iter_mut().for_each(|t| t.revoked = true);
    }

    /// A customer by international phone (digits, '+' tolerated) or public id.
    pub fn customer_by_key(&self, key: &str) -> Option<&Customer> {
        let phone = InternationalPhone::parse(key, None)
            .ok()
            .map(|p| p.as_digits().to_string());
        self.customers
            .iter()
            .find(|c| c.id == key || (phone.is_some() && c.phone == phone))
    }

    fn customer_index(&self, key: &str) -> Option<usize> {
        let id = self.customer_by_key(key)?.id.clone();
        self.customers.iter().position(|c| c.id == id)
    }

    fn credit(&mut self, index: usize, delta: i64, reason: &str) {
        let customer = &mut self.customers[index];
        customer.points = customer.points.saturating_add_signed(delta);
        self.points_log.push(PointsEntry {
            customer_id: customer.id.clone(),
            delta,
            reason: reason.into(),
        });
    }

    fn optins(body: &Value, prefix: &str, invalid: &mut Invalid) -> Option<(bool, bool)> {
        let read = |field: &str| body.get(field).and_then(Value::as_bool);
        let (email, sms) = (read("email_optin"), read("sms_optin"));
        if email.is_none() {
            invalid.add(
                &format!("{prefix}email_optin"),
                "The email optin field is required and must be true or false.",
            );
        }
        if sms.is_none() {
            invalid.add(
                &format!("{prefix}sms_optin"),
                "The sms optin field is required and must be true or false.",
            );
        }
        Some((email?, sms?))
    }

    /// `POST /v1/customers`: both opt-ins are mandatory [S].
    pub fn create_customer(&mut self, body: &Value, id: String) -> Result<Customer, Invalid> {
        let mut invalid = Invalid::default();
        let phone = match text(body, "phone").map(|p| InternationalPhone::parse(&p, None)) {
            Some(Ok(p)) => Some(p.as_digits().to_string()),
            Some(Err(_)) => {
                invalid.add(
                    "phone",
                    "The phone must be an international number without '+'.",
                );
                None
            }
            None => {
                invalid.add("phone", "The phone field is required.");
                None
            }
        };
        if phone
            .as_ref()
            .is_some_and(|p| self.customers.iter().any(|c| c.phone.as_ref() == Some(p)))
        {
            invalid.add("phone", "The phone has already been taken.");
        }
        let store = text(body, "reference_store_slug");
        match &store {
            None => invalid.add(
                "reference_store_slug",
                "The reference store slug field is required.",
            ),
            Some(slug) if !self.stores.iter().any(|s| &s.slug == slug) => invalid.add(
                "reference_store_slug",
                "The selected reference store slug is invalid.",
            ),
            _ => {}
        }
        let optins = Pongo::optins(body, "", &mut invalid);
        if let Some(email) = text(body, "email") {
            if !email.contains('@') {
                invalid.add("email", "The email must be a valid email address.");
            }
        }
        if let Some(gender) = text(body, "gender") {
            if !GENDERS.contains(&gender.as_str()) {
                invalid.add("gender", "The selected gender is invalid.");
            }
        }
        if let Some(birthday) = text(body, "birthday") {
            if !valid_date(&birthday) {
                invalid.add("birthday", "The birthday does not match the format Y-m-d.");
            }
        }
        if let Some(pin) = body.get("pin") {
            if !pin
                .as_str()
                .is_some_and(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
            {
                invalid.add("pin", "The pin must be 4 digits.");
            }
        }
        let points_to_add = match body.get("points_to_add") {
            None => 0,
            Some(v) => match v.as_u64() {
                Some(n) => n,
                None => {
                    invalid.add(
                        "points_to_add",
                        "The points to add must be a positive integer.",
                    );
                    0
                }
            },
        };
        invalid.into_result()?;
        let (email_optin, sms_optin) = optins.unwrap_or_default();
        let customer = Customer {
            id,
            phone,
            payment_method_hash: None,
            email: text(body, "email"),
            first_name: text(body, "first_name"),
            last_name: text(body, "last_name"),
            email_optin,
            sms_optin,
            points: 0,
            reference_store_slug: store.unwrap_or_default(),
            gender: text(body, "gender"),
            birthday: text(body, "birthday"),
            tags: body
                .get("tags")
                .and_then(|t| serde_json::from_value(t.clone()).ok())
                .unwrap_or_default(),
            last_checkin_at: None,
        };
        self.customers.push(customer);
        let index = self.customers.len() - 1;
        if points_to_add > 0 {
            self.credit(index, points_to_add as i64, "points_to_add");
        }
        Ok(self.customers[index].clone())
    }

    /// `PUT /v1/customers/{id}`.
    pub fn update_customer(
        &mut self,
        key: &str,
        body: &Value,
    ) -> Option<Result<Customer, Invalid>> {
        let index = self.customer_index(key)?;
        let mut invalid = Invalid::default();
        for field in ["email_optin", "sms_optin"] {
            if body.get(field).is_some_and(|v| !v.is_boolean()) {
                invalid.add(field, "The field must be true or false.");
            }
        }
        if text(body, "email").is_some_and(|e| !e.contains('@')) {
            invalid.add("email", "The email must be a valid email address.");
        }
        if let Err(e) = invalid.into_result() {
            return Some(Err(e));
        }
        let c = &mut self.customers[index];
        if let Some(v) = body.get("email_optin").and_then(Value::as_bool) {
            c.email_optin = v;
        }
        if let Some(v) = body.get("sms_optin").and_then(Value::as_bool) {
            c.sms_optin = v;
        }
        for (field, slot) in [
            ("email", &mut c.email),
            ("first_name", &mut c.first_name),
            ("last_name", &mut c.last_name),
        ] {
            if let Some(v) = text(body, field) {
                *slot = Some(v);
            }
        }
        Some(Ok(c.clone()))
    }

    fn one_of(body: &Value, field: &str, allowed: &[&str], invalid: &mut Invalid) -> String {
        match text(body, field) {
            Some(v) if allowed.contains(&v.as_str()) => v,
            Some(_) => {
                invalid.add(field, &format!("The selected {field} is invalid."));
                String::new()
            }
            None => {
                invalid.add(field, &format!("The {field} field is required."));
                String::new()
            }
        }
    }

    /// The `store_slug` (one of the stores) and `amount` (cents) an order or checkin names.
    fn store_and_amount(&self, body: &Value, invalid: &mut Invalid) -> (String, Option<u64>) {
        let store_slug = text(body, "store_slug").unwrap_or_default();
        if !self.stores.iter().any(|s| s.slug == store_slug) {
            invalid.add("store_slug", "The selected store slug is invalid.");
        }
        let amount = body.get("amount").and_then(Value::as_u64);
        if amount.is_none() {
            invalid.add("amount", "The amount must be an integer number of cents.");
        }
        (store_slug, amount)
    }

    /// `POST /v1/orders`. Returns the order and whether it was created now (`false`: the
    /// `order_id` was already processed, Pongo's 202).
    pub fn create_order(&mut self, body: &Value, id: String) -> Result<(Order, bool), Invalid> {
        let Some(order_id) = text(body, "order_id").filter(|o| !o.is_empty()) else {
            return Err(Invalid::field(
                "order_id",
                "The order id field is required.",
            ));
        };
        if let Some(existing) = self.orders.iter().find(|o| o.order_id == order_id) {
            return Ok((existing.clone(), false));
        }
        let mut invalid = Invalid::default();
        Pongo::one_of(body, "channel", CHANNELS, &mut invalid);
        Pongo::one_of(body, "delivery_mode", DELIVERY_MODES, &mut invalid);
        let status = Pongo::one_of(body, "status", ORDER_STATUSES, &mut invalid);
        Pongo::one_of(body, "delivery_status", DELIVERY_STATUSES, &mut invalid);
        let (store_slug, amount) = self.store_and_amount(body, &mut invalid);
        if body.get("taxes").is_some_and(|t| t.as_u64().is_none()) {
            invalid.add("taxes", "The taxes must be an integer number of cents.");
        }
        if text(body, "created_at").is_none() {
            invalid.add("created_at", "The created at field is required.");
        }
        let lines = body.get("lines").cloned().unwrap_or(Value::Null);
        if lines.as_array().is_none_or(|l| l.is_empty()) {
            invalid.add("lines", "The lines must have at least 1 items.");
        }
        let customer = body.get("customer").cloned().unwrap_or(Value::Null);
        let customer_index = match (
            text(&customer, "customer_public_id"),
            text(&customer, "phone"),
        ) {
            (Some(public_id), _) => {
                let found = self.customer_index(&public_id);
                if found.is_none() {
                    invalid.add(
                        "customer.customer_public_id",
                        "The selected customer is invalid.",
                    );
                }
                found
            }
            (None, Some(phone)) => match self.customer_index(&phone) {
                Some(i) => Some(i),
                None => {
                    if InternationalPhone::parse(&phone, None).is_err() {
                        invalid.add(
                            "customer.phone",
                            "The phone must be an international number without '+'.",
                        );
                    }
                    Pongo::optins(&customer, "customer.", &mut invalid);
                    None
                }
            },
            (None, None) => None,
        };
        let reward_ids: Vec<String> = body
            .get("reward_ids")
            .and_then(|r| serde_json::from_value(r.clone()).ok())
            .unwrap_or_default();
        for reward_id in &reward_ids {
            let usable = self.customer_rewards.iter().any(|r| {
                &r.id == reward_id
                    && !r.used
                    && customer_index.is_some_and(|i| self.customers[i].id == r.customer_id)
            });
            if !usable {
                invalid.add(
                    "reward_ids",
                    "The selected reward is invalid or already used.",
                );
            }
        }
        invalid.into_result()?;
        let customer_index = match customer_index {
            Some(i) => Some(i),
            None => match text(&customer, "phone") {
                Some(phone) => {
                    let created = self.create_customer(
                        &serde_json::json!({"phone": phone, "reference_store_slug": store_slug,
                            "email_optin": customer["email_optin"], "sms_optin": customer["sms_optin"]}),
                        format!("cust-{id}"),
                    )?;
                    self.customer_index(&created.id)
                }
                None => None,
            },
        };
        let amount = amount.unwrap_or(0);
        let points = if status == "paid" && customer_index.is_some() {
            self.config.partner_parameters.earn(amount)
        } else {
            0
        };
        for reward_id in &reward_ids {
            if let Some(r) = self
                .customer_rewards
                .iter_mut()
                .find(|r| &r.id == reward_id)
            {
                r.used = true;
            }
        }
        if let Some(i) = customer_index {
            if points > 0 {
                self.credit(i, points as i64, &format!("order {order_id}"));
            }
        }
        let order = Order {
            id,
            order_id,
            store_slug,
            amount,
            status,
            points_earned: points,
            customer_id: customer_index.map(|i| self.customers[i].id.clone()),
            reward_ids,
            lines,
            payments: body
                .get("payments")
                .cloned()
                .unwrap_or(Value::Array(vec![])),
        };
        self.orders.push(order.clone());
        Ok((order, true))
    }

    /// `PATCH /v1/orders/{id}`: a cancellation takes the earned points back, once.
    pub fn update_order_status(
        &mut self,
        id: &str,
        body: &Value,
    ) -> Option<Result<Order, Invalid>> {
        let index = self
            .orders
            .iter()
            .position(|o| o.id == id || o.order_id == id)?;
        let mut invalid = Invalid::default();
        let status = Pongo::one_of(body, "status", ORDER_STATUSES, &mut invalid);
        if let Err(e) = invalid.into_result() {
            return Some(Err(e));
        }
        let order = self.orders[index].clone();
        let taking_back = order.status == "paid" && (status == "cancelled" || status == "refunded");
        if taking_back && order.points_earned > 0 {
            if let Some(ci) = order
                .customer_id
                .as_deref()
                .and_then(|c| self.customer_index(c))
            {
                let available = self.customers[ci].points.min(order.points_earned);
                self.credit(
                    ci,
                    -(available as i64),
                    &format!("order {} {status}", order.order_id),
                );
            }
        }
        self.orders[index].status = status;
        Some(Ok(self.orders[index].clone()))
    }

    /// `POST /v1/checkins`: an unknown phone creates the customer; the delay rule applies
    /// when asked. Returns the checkin and the customer created, if any.
    pub fn create_checkin(
        &mut self,
        body: &Value,
        id: String,
        customer_id: String,
        now: i64,
    ) -> Result<(Checkin, Option<Customer>), Invalid> {
        let mut invalid = Invalid::default();
        let (store_slug, amount) = self.store_and_amount(body, &mut invalid);
        match text(body, "datetime").map(|d| parse_datetime(&d)) {
            Some(Some(at)) if at > now => {
                invalid.add("datetime", "The datetime must not be in the future.")
            }
            Some(Some(_)) => {}
            _ => invalid.add(
                "datetime",
                "The datetime does not match the format Y-m-d\\TH:i:sP.",
            ),
        }
        let phone = text(body, "international_phone_number");
        let hash = text(body, "payment_method_hash");
        let phone_digits = match (&phone, &hash) {
            (Some(p), _) => match InternationalPhone::parse(p, None) {
                Ok(p) => Some(p.as_digits().to_string()),
                Err(_) => {
                    invalid.add(
                        "international_phone_number",
                        "The phone must be an international number without '+'.",
                    );
                    None
                }
            },
            (None, Some(_)) => None,
            (None, None) => {
                invalid.add("international_phone_number", "The international phone number field is required when payment method hash is not present.");
                None
            }
        };
        invalid.into_result()?;
        let existing = match (&phone_digits, &hash) {
            (Some(p), _) => self
                .customers
                .iter()
                .position(|c| c.phone.as_ref() == Some(p)),
            (None, Some(h)) => self
                .customers
                .iter()
                .position(|c| c.payment_method_hash.as_ref() == Some(h)),
            _ => None,
        };
        if let Some(i) = existing {
            let enforce = body
                .get("enforce_checkin_delay")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if enforce
                && self.customers[i]
                    .last_checkin_at
                    .is_some_and(|last| now < last + self.config.checkin_delay_seconds)
            {
                return Err(Invalid::field(
                    "enforce_checkin_delay",
                    "The customer already checked in recently.",
                ));
            }
        }
        let mut created = None;
        let index = match existing {
            Some(i) => i,
            None => {
                // No consent was asked at a checkin: the new customer starts opted out.
                let customer = Customer {
                    id: customer_id,
                    phone: phone_digits,
                    payment_method_hash: if phone.is_none() { hash } else { None },
                    email: None,
                    first_name: None,
                    last_name: None,
                    email_optin: false,
                    sms_optin: false,
                    points: 0,
                    reference_store_slug: store_slug.clone(),
                    gender: None,
                    birthday: None,
                    tags: vec![],
                    last_checkin_at: None,
                };
                self.customers.push(customer.clone());
                created = Some(customer);
                self.customers.len() - 1
            }
        };
        let amount = amount.unwrap_or(0);
        let points = self.config.partner_parameters.earn(amount);
        if points > 0 {
            self.credit(index, points as i64, &format!("checkin {id}"));
        }
        self.customers[index].last_checkin_at = Some(now);
        let checkin = Checkin {
            id,
            customer_id: self.customers[index].id.clone(),
            store_slug,
            amount,
            points_earned: points,
            at: now,
        };
        self.checkins.push(checkin.clone());
        Ok((checkin, created))
    }

    pub fn rewards_filtered(
        &self,
        min: Option<u64>,
        max: Option<u64>,
        store: Option<&str>,
        customer: Option<&str>,
    ) -> Vec<Reward> {
        let affordable = customer
            .and_then(|c| self.customer_by_key(c))
            .map(|c| c.points);
        self.rewards
            .iter()
            .filter(|r| min.is_none_or(|m| r.points >= m))
            .filter(|r| max.is_none_or(|m| r.points <= m))
            .filter(|r| {
                store.is_none_or(|s| {
                    r.store_slugs.is_empty() || r.store_slugs.iter().any(|x| x == s)
                })
            })
            .filter(|r| affordable.is_none_or(|p| r.points <= p))
            .cloned()
            .collect()
    }

    /// Buys a reward for a customer with their points.
    pub fn buy_reward(
        &mut self,
        key: &str,
        body: &Value,
        id: String,
    ) -> Option<Result<CustomerReward, Invalid>> {
        let index = self.customer_index(key)?;
        let Some(reward) =
            text(body, "reward_id").and_then(|r| self.rewards.iter().find(|x| x.id == r).cloned())
        else {
            return Some(Err(Invalid::field(
                "reward_id",
                "The selected reward is invalid.",
            )));
        };
        let store = text(body, "store_slug").unwrap_or_default();
        if !self.stores.iter().any(|s| s.slug == store) {
            return Some(Err(Invalid::field(
                "store_slug",
                "The selected store slug is invalid.",
            )));
        }
        if self.customers[index].points < reward.points {
            return Some(Err(Invalid::field(
                "reward_id",
                "The customer does not have enough points.",
            )));
        }
        self.credit(
            index,
            -(reward.points as i64),
            &format!("reward {}", reward.id),
        );
        let won = CustomerReward {
            id,
            reward_id: reward.id,
            customer_id: self.customers[index].id.clone(),
            locked: false,
            used: body
                .get("is_used")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        };
        self.customer_rewards.push(won.clone());
        Some(Ok(won))
    }

    /// Changes a won reward that was not used yet: `None` if there is no such reward.
    fn change_reward(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut CustomerReward),
    ) -> Option<Result<CustomerReward, Invalid>> {
        let won = self.customer_rewards.iter_mut().find(|r| r.id == id)?;
        if won.used {
            return Some(Err(Invalid::field(
                "reward",
                "The reward was already used.",
            )));
        }
        change(won);
        Some(Ok(won.clone()))
    }

    pub fn set_reward_lock(
        &mut self,
        id: &str,
        locked: bool,
    ) -> Option<Result<CustomerReward, Invalid>> {
        self.change_reward(id, |won| won.locked = locked)
    }

    pub fn use_reward(&mut self, id: &str) -> Option<Result<CustomerReward, Invalid>> {
        self.change_reward(id, |won| {
            won.used = true;
            won.locked = false;
        })
    }

    pub fn subscribe(
        &mut self,
        body: &Value,
        id: String,
        secret: String,
    ) -> Result<Webhook, Invalid> {
        let mut invalid = Invalid::default();
        let url = text(body, "url").unwrap_or_default();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            invalid.add("url", "The url must be a valid URL.");
        }
        let events: Vec<String> = body
            .get("events")
            .and_then(|e| serde_json::from_value(e.clone()).ok())
            .unwrap_or_default();
        if events.is_empty() || events.iter().any(|e| !WEBHOOK_EVENTS.contains(&e.as_str())) {
            invalid.add("events", "The selected events are invalid.");
        }
        invalid.into_result()?;
        let hook = Webhook {
            id,
            url,
            events,
            secret,
        };
        self.webhooks.push(hook.clone());
        Ok(hook)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn order(order_id: &str, amount: u64, phone: &str) -> Value {
        json!({"order_id": order_id, "channel": "online", "delivery_mode": "pickup", "store_slug": "riyadh-olaya",
               "amount": amount, "status": "paid", "created_at": "2026-11-24T10:00:00+03:00", "delivery_status": "delivered",
               "lines": [{"name": "Coffee", "quantity": 1, "unit_price": amount}],
               "customer": {"phone": phone, "email_optin": true, "sms_optin": false}, "payments": [{"method": "card", "amount": amount}]})
    }

    #[test]
    fn orders_earn_by_partner_parameters_and_repeat_as_202() {
        let mut p = Pongo::seeded();
        let (o, created) = p
            .create_order(&order("A1", 1999, "966501234567"), "o1".into())
            .unwrap();
        assert!(created);
        assert_eq!(o.points_earned, 29); // 19.99 EUR * 1.5
        let (again, created) = p
            .create_order(&order("A1", 5000, "966501234567"), "o2".into())
            .unwrap();
        assert!(!created);
        assert_eq!(again.id, "o1");
        assert_eq!(p.customers[0].points, 320 + 29);
        let (small, _) = p
            .create_order(&order("A2", 499, "966501234567"), "o3".into())
            .unwrap();
        assert_eq!(small.points_earned, 0, "below the minimum");
        p.update_order_status("o1", &json!({"status": "cancelled"}))
            .unwrap()
            .unwrap();
        assert_eq!(p.customers[0].points, 320);
    }

    #[test]
    fn customers_need_both_optins() {
        let mut p = Pongo::seeded();
        let e = p.create_customer(&json!({"phone": "32470123456", "reference_store_slug": "riyadh-olaya", "email_optin": true}), "c".into()).unwrap_err();
        assert_eq!(
            e.errors,
            vec![(
                "sms_optin".to_string(),
                "The sms optin field is required and must be true or false.".to_string()
            )]
        );
        let c = p.create_customer(&json!({"phone": "+32 470 12 34 56", "reference_store_slug": "riyadh-olaya", "email_optin": false, "sms_optin": true}), "c".into()).unwrap();
        assert_eq!(
            (c.phone.as_deref(), c.email_optin, c.sms_optin),
            (Some("32470123456"), false, true)
        );
    }

    #[test]
    fn checkin_delay_and_unknown_phones() {
        let mut p = Pongo::seeded();
        let body = json!({"store_slug": "jeddah-corniche", "international_phone_number": "32470999999", "amount": 1000,
                          "datetime": "2026-01-01T00:00:00+00:00", "enforce_checkin_delay": true});
        let now = parse_datetime("2026-01-01T00:00:00+00:00").unwrap();
        let (c, created) = p
            .create_checkin(&body, "k1".into(), "new".into(), now)
            .unwrap();
        assert!(created.is_some());
        assert_eq!(c.points_earned, 15);
        assert!(p
            .create_checkin(&body, "k2".into(), "x".into(), now + 60)
            .is_err());
        assert!(p
            .create_checkin(&body, "k3".into(), "x".into(), now + 3600)
            .is_ok());
        let future = json!({"store_slug": "jeddah-corniche", "international_phone_number": "32470999999", "amount": 1, "datetime": "2030-01-01T00:00:00+00:00"});
        assert!(p
            .create_checkin(&future, "k4".into(), "x".into(), now)
            .is_err());
    }

    #[test]
    fn datetimes_parse_with_offsets() {
        assert_eq!(parse_datetime("1970-01-01T03:00:00+03:00"), Some(0));
        assert_eq!(
            parse_datetime("2024-02-11T10:13:23+00:00"),
            Some(1_707_646_403)
        );
        assert_eq!(parse_datetime("2024-02-11 10:13:23"), None);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Order(u8, u64),
        Cancel(u8),
        Checkin(u64),
        Buy(bool),
    }

    proptest! {
        /// Points always equal the sum of credits minus debits, never go negative, and one
        /// order exists per order_id however often it is sent.
        #[test]
        fn the_books_balance(ops in proptest::collection::vec(prop_oneof![
            (0u8..5, 0u64..20_000).prop_map(|(i, a)| Op::Order(i, a)),
            (0u8..5).prop_map(Op::Cancel),
            (0u64..20_000).prop_map(Op::Checkin),
            any::<bool>().prop_map(Op::Buy),
        ], 0..50)) {
            let mut p = Pongo::seeded();
            let start = p.customers[0].points as i64;
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Order(i, amount) => { let _ = p.create_order(&order(&format!("O{i}"), amount, "966501234567"), format!("id{n}")); }
                    Op::Cancel(i) => { let _ = p.update_order_status(&format!("O{i}"), &json!({"status": "cancelled"})); }
                    Op::Checkin(amount) => {
                        let _ = p.create_checkin(&json!({"store_slug": "riyadh-olaya", "international_phone_number": "966501234567",
                            "amount": amount, "datetime": "1970-01-01T00:00:00+00:00"}), format!("k{n}"), format!("c{n}"), 10);
                    }
                    Op::Buy(cheap) => { let _ = p.buy_reward("966501234567", &json!({"reward_id": if cheap { "reward-coffee" } else { "reward-10-off" }, "store_slug": "riyadh-olaya"}), format!("r{n}")); }
                }
            }
            let seed = &p.customers[0];
            let logged: i64 = p.points_log.iter().filter(|e| e.customer_id == seed.id).map(|e| e.delta).sum();
            prop_assert_eq!(seed.points as i64, start + logged);
            let mut ids: Vec<&str> = p.orders.iter().map(|o| o.order_id.as_str()).collect();
            let total = ids.len();
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(ids.len(), total);
        }
    }
}
