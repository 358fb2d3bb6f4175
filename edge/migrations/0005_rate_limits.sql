-- Fixed-window counters for rate limits (per IP, per identifier). D1 is one database for
-- every location, so the limits hold across the whole network, not per colo.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL
);
