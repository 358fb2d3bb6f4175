<?php
/**
 * Loyalty Checkout: the merchant server's three calls to the edge, signed, for PHP 8.1+
 * with no dependency (PHP's own HTTP stream wrapper; `allow_url_fopen` must be on, as it is
 * by default). Copy this file into your module (docs/magento.md) and change the namespace.
 *
 *   $client = new LoyaltyCheckoutClient('https://YOUR-EDGE', 'YOUR_MERCHANT_ID', $apiSecret);
 *   $redemption = $client->verifyReceipt($receipt);              // before trusting a discount
 *   $captured = $client->orderPaid($redemption['redemption_id'], '000000123', 25000, 'SAR');
 *   $client->orderCancelled($redemption['redemption_id'], '000000123');
 *
 * Every call is signed with the merchant's API secret: the header
 * `Loyalty-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` over the exact
 * bytes sent. A signature is valid 5 minutes and once; every call is idempotent, so a retry
 * is the same call signed again (a second later, or the edge answers `signature_replayed`).
 * A non-2xx answer throws LoyaltyCheckoutException with the edge's stable error `code`.
 */

declare(strict_types=1);

namespace LoyaltyCheckout;

/**
 * The edge refused a call (its stable error `code`, e.g. `bad_signature`,
 * `redemption_already_used`, `redemption_not_capturable`, `amount_over_limit`), or could not
 * be reached (`code` is then `unreachable`, status 0) or answered something that is not its
 * JSON (`invalid_answer`).
 */
final class LoyaltyCheckoutException extends \RuntimeException
{
    /** @param array<string, mixed>|null $error the edge's `error` object, when it sent one */
    public function __construct(
        public readonly string $errorCode,
        string $message,
        public readonly int $status,
        public readonly ?array $error = null,
    ) {
        parent::__construct($message !== '' ? $message : $errorCode, $status);
    }
}

final class LoyaltyCheckoutClient
{
    public const SIGNATURE_HEADER = 'Loyalty-Signature';

    private string $edgeUrl;
    /** @var \Closure(): int */
    private \Closure $clock;

    /**
     * @param string $edgeUrl the edge's origin, e.g. https://loyalty.example.com
     * @param string $merchantId your merchant id (the widget's `merchant`)
     * @param string $apiSecret the merchant API secret (never sent, never logged)
     * @param (\Closure(): int)|null $clock unix seconds; `time()` unless given (tests)
     */
    public function __construct(
        string $edgeUrl,
        private readonly string $merchantId,
        #[\SensitiveParameter] private readonly string $apiSecret,
        ?\Closure $clock = null,
        private readonly float $timeoutSeconds = 10.0,
    ) {
        $this->edgeUrl = rtrim($edgeUrl, '/');
        $this->clock = $clock ?? static fn (): int => time();
    }

    /**
     * `POST /v1/merchant/receipts/verify`: is the receipt the widget handed the page real?
     * Returns the redemption: `redemption_id`, `state` (`redeemed` until paid), `points`,
     * `discount` (`minor`, `currency`), and `order_id` once captured.
     *
     * @return array<string, mixed>
     */
    public function verifyReceipt(string $receipt): array
    {
        return $this->post('/v1/merchant/receipts/verify', [
            'merchant_id' => $this->merchantId,
            'receipt' => $receipt,
        ]);
    }

    /**
     * `POST /v1/merchant/orders/paid`: the order was paid; the points are captured by
     * `$orderId`. Grant the discount only if the answer's `state` is `captured` and its
     * `order_id` is `$orderId` ({@see isCapturedBy}).
     *
     * @param int $orderTotalMinor the order's total before the points discount, in minor
     *     units (25000 for 250.00 SAR)
     * @return array<string, mixed>
     */
    public function orderPaid(string $redemptionId, string $orderId, int $orderTotalMinor, string $currency): array
    {
        return $this->post('/v1/merchant/orders/paid', [
            'merchant_id' => $this->merchantId,
            'redemption_id' => $redemptionId,
            'order_id' => $orderId,
            'order_total' => ['minor' => $orderTotalMinor, 'currency' => strtoupper($currency)],
        ]);
    }

    /**
     * `POST /v1/merchant/orders/cancelled`: the order was cancelled (or never placed); the
     * points go back, once however often this is called. Once captured, `$orderId` is
     * required and must be the order the points paid.
     *
     * @return array<string, mixed>
     */
    public function orderCancelled(string $redemptionId, ?string $orderId = null): array
    {
        $body = ['merchant_id' => $this->merchantId, 'redemption_id' => $redemptionId];
        if ($orderId !== null) {
            $body['order_id'] = $orderId;
        }
        return $this->post('/v1/merchant/orders/cancelled', $body);
    }

    /** Whether an `orderPaid` answer lets this order keep the discount. */
    public static function isCapturedBy(array $answer, string $orderId): bool
    {
        return ($answer['state'] ?? null) === 'captured' && ($answer['order_id'] ?? null) === $orderId;
    }

    /** The `Loyalty-Signature` header value for `$body` signed at `$timestamp`. */
    public function signature(string $body, int $timestamp): string
    {
        return 't=' . $timestamp . ',v1=' . hash_hmac('sha256', $timestamp . '.' . $body, $this->apiSecret);
    }

    /**
     * @param array<string, mixed> $payload
     * @return array<string, mixed>
     */
    private function post(string $path, array $payload): array
    {
        $body = json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        $headers = [
            'Content-Type: application/json',
            'Accept: application/json',
            self::SIGNATURE_HEADER . ': ' . $this->signature($body, ($this->clock)()),
        ];
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => implode("\r\n", $headers),
            'content' => $body,
            'timeout' => $this->timeoutSeconds,
            'ignore_errors' => true, // read the edge's error body on 4xx/5xx
            'follow_location' => 0,
        ]]);
        $answer = @file_get_contents($this->edgeUrl . $path, false, $context);
        $responseHeaders = function_exists('http_get_last_response_headers')
            ? (http_get_last_response_headers() ?? [])
            : ($http_response_header ?? []);
        if ($answer === false || $responseHeaders === []) {
            $why = error_get_last()['message'] ?? 'no answer';
            throw new LoyaltyCheckoutException('unreachable', 'the edge could not be reached: ' . $why, 0);
        }
        $status = self::statusOf($responseHeaders);
        $decoded = json_decode($answer, true);
        if ($status >= 200 && $status < 300) {
            if (!is_array($decoded)) {
                throw new LoyaltyCheckoutException('invalid_answer', 'the edge answered something other than JSON', $status);
            }
            return $decoded;
        }
        $error = is_array($decoded) && is_array($decoded['error'] ?? null) ? $decoded['error'] : null;
        $code = is_string($error['code'] ?? null) ? $error['code'] : 'invalid_answer';
        $message = is_string($error['message'] ?? null) ? $error['message'] : 'HTTP ' . $status;
        throw new LoyaltyCheckoutException($code, $message, $status, $error);
    }

    /** The status of the last response in `$headers` (redirects are not followed). */
    private static function statusOf(array $headers): int
    {
        $status = 0;
        foreach ($headers as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m) === 1) {
                $status = (int) $m[1];
            }
        }
        return $status;
    }
}
