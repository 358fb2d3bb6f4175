<?php
/**
 * The three merchant calls from the command line, with LoyaltyCheckoutClient.php (and the
 * CI's test of it, tests/e2e/tests/magento.rs):
 *
 *   php example.php EDGE_URL MERCHANT_ID SECRET verify    '{"receipt": "..."}'
 *   php example.php EDGE_URL MERCHANT_ID SECRET paid      '{"redemption_id": "...", "order_id": "000000123", "order_total": {"minor": 25000, "currency": "SAR"}}'
 *   php example.php EDGE_URL MERCHANT_ID SECRET cancelled '{"redemption_id": "...", "order_id": "000000123"}'
 *
 * Prints the edge's JSON answer and exits 0; on a refusal prints
 * {"error": {"code": ..., "status": ..., "message": ...}} and exits 2 (1: wrong usage).
 * `--now=UNIX` signs at that time instead of the clock's (the local stack's simulated clock).
 * SECRET `-` reads it from the environment variable LOYALTY_MERCHANT_SECRET instead, which
 * keeps it out of the process list.
 */

declare(strict_types=1);

require __DIR__ . '/LoyaltyCheckoutClient.php';

use LoyaltyCheckout\LoyaltyCheckoutClient;
use LoyaltyCheckout\LoyaltyCheckoutException;

$args = array_slice($argv, 1);
$now = null;
foreach ($args as $i => $arg) {
    if (str_starts_with($arg, '--now=')) {
        $now = (int) substr($arg, 6);
        unset($args[$i]);
    }
}
$args = array_values($args);
if (count($args) !== 5 || !in_array($args[3], ['verify', 'paid', 'cancelled'], true)) {
    fwrite(STDERR, "usage: php example.php EDGE_URL MERCHANT_ID SECRET verify|paid|cancelled JSON_BODY [--now=UNIX]\n");
    exit(1);
}
[$edge, $merchant, $secret, $call, $json] = $args;
if ($secret === '-') {
    $secret = (string) getenv('LOYALTY_MERCHANT_SECRET');
}
$body = json_decode($json, true);
if (!is_array($body)) {
    fwrite(STDERR, "JSON_BODY is not a JSON object\n");
    exit(1);
}

$clock = $now === null ? null : static fn (): int => $now;
$client = new LoyaltyCheckoutClient($edge, $merchant, $secret, $clock);
try {
    $answer = match ($call) {
        'verify' => $client->verifyReceipt((string) ($body['receipt'] ?? '')),
        'paid' => $client->orderPaid(
            (string) ($body['redemption_id'] ?? ''),
            (string) ($body['order_id'] ?? ''),
            (int) ($body['order_total']['minor'] ?? 0),
            (string) ($body['order_total']['currency'] ?? 'SAR'),
        ),
        'cancelled' => $client->orderCancelled(
            (string) ($body['redemption_id'] ?? ''),
            isset($body['order_id']) ? (string) $body['order_id'] : null,
        ),
    };
    echo json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
} catch (LoyaltyCheckoutException $e) {
    echo json_encode(['error' => [
        'code' => $e->errorCode,
        'status' => $e->status,
        'message' => $e->getMessage(),
    ]], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
    fwrite(STDERR, 'refused: ' . $e->errorCode . "\n");
    exit(2);
}
