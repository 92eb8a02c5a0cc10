/**
 * Signed CI events: <a href="https://www.standardwebhooks.com">Standard Webhooks</a> ({@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature} = {@code v1,<base64 HMAC-SHA256 of id.timestamp.body>}) in
 * {@link dev.cutover.security.webhook.StandardWebhooks}, GitHub's {@code X-Hub-Signature-256} in
 * {@link dev.cutover.security.webhook.GitHubSignature}, ids already seen in
 * {@link dev.cutover.security.webhook.ReplayGuard}. Plain JDK crypto; comparisons are constant-time
 * ({@link java.security.MessageDigest#isEqual}).
 */
package dev.cutover.security.webhook;
