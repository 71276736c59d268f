/**
 * What the App needs before it may accept a webhook (issue #13). Without `WEBHOOK_SECRET`, Probot falls back to
 * its development secret, so anyone could forge deliveries: the server refuses to start instead, saying what to
 * set. Pure: the entry point prints the problems and exits.
 */

/** The problems with `env`, one actionable sentence each; empty when the App can start. */
export function startupProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (!env.WEBHOOK_SECRET) {
    problems.push(
      "WEBHOOK_SECRET is not set. Set it to the webhook secret of your GitHub App (GitHub → Settings → Developer settings → GitHub Apps → the App → Webhook secret), so that only deliveries GitHub signed are accepted.",
    );
  }
  if (!env.APP_ID) problems.push("APP_ID is not set. Set it to your GitHub App's App ID (shown on the App's settings page).");
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) {
    problems.push(
      "Neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set. Set one to the App's private key (the PEM text, or the path of the .pem file).",
    );
  }
  return problems;
}

/** Milliseconds a shutdown may take to conclude the analyses in flight (`IAM_POLICY_REVIEW_SHUTDOWN_GRACE_MS`). */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.IAM_POLICY_REVIEW_SHUTDOWN_GRACE_MS);
  // Docker waits 10 s between SIGTERM and SIGKILL (Kubernetes 30 s): 8 s leaves time to exit.
  return Number.isInteger(value) && value > 0 ? value : 8_000;
}
