/**
 * The App's configuration: `.github/iam-policy-review.yml` (or `.yaml`) read from the repository's default branch,
 * validated by `parseConfig`. Only the default branch counts, as with Probot's `context.config`: a pull request
 * must not be able to switch off the review of its own changes (fail-on never, suppressions, ignorePaths).
 */
import { CONFIG_PATHS, ConfigError, DEFAULT_CONFIG, parseConfig, type Config } from "../core/config.ts";
import { knownRuleIds } from "../rules/catalog.ts";
import { readRaw, type GitHub, type Repo } from "../sources/github.ts";

/** A config file is a few KiB; anything this large is refused rather than parsed. */
const MAX_CONFIG_BYTES = 256 * 1024;

export type RepoConfig = { ok: true; config: Config; source?: string } | { ok: false; source: string; message: string };

/**
 * Reads and validates the config of `repo`. No file: the defaults. A file that is not valid: `ok: false` with the
 * validation message (one sentence per problem, naming the key). A GitHub failure other than 404 rejects.
 * Read as raw bytes with our YAML parser (alias limit, precise errors), not Probot's `context.config`, which parses
 * with its own YAML library and merges `_extends` from other repositories.
 */
export async function loadRepoConfig(octokit: GitHub, repo: Repo, signal?: AbortSignal): Promise<RepoConfig> {
  for (const path of CONFIG_PATHS) {
    // No `ref`: the default branch.
    const bytes = await readRaw(octokit, repo, path, { limit: MAX_CONFIG_BYTES, ...(signal ? { signal } : {}) });
    if (bytes === "missing") continue;
    if (bytes === "too-large")
      return { ok: false, source: path, message: `${path}: larger than ${MAX_CONFIG_BYTES / 1024} KiB, which no configuration needs.` };
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, source: path, message: `${path}: not valid UTF-8 text.` };
    }
    try {
      return { ok: true, config: await parseConfig(text, path, knownRuleIds()), source: path };
    } catch (error) {
      if (error instanceof ConfigError) return { ok: false, source: path, message: error.message };
      throw error;
    }
  }
  return { ok: true, config: structuredClone(DEFAULT_CONFIG) };
}
