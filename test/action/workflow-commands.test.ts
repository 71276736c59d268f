import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  annotationCommand,
  escapeData,
  escapeProperty,
  messageCommand,
  outputEntry,
  withoutCommands,
} from "../../src/action/workflow-commands.ts";
import { InputError, readInputs } from "../../src/action/inputs.ts";
import { baseFromEvent } from "../../src/action/event-base.ts";
import { examplePayload } from "./fixture.ts";

describe("workflow commands", () => {
  it("escapes data and properties as the runner reads them", () => {
    assert.equal(escapeData("100% done\r\nnext"), "100%25 done%0D%0Anext");
    assert.equal(escapeProperty("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
  });

  it("keeps a message with a newline and a forged command on one annotation line", () => {
    const line = annotationCommand(
      "warning",
      { file: "iam/a,b:c.json", line: 3, endLine: 5, title: "rule,x" },
      "bad\n::set-output name=x::y",
    );
    assert.equal(line, "::warning file=iam/a%2Cb%3Ac.json,line=3,endLine=5,title=rule%2Cx::bad%0A::set-output name=x::y\n");
    assert.equal(line.split("\n").length, 2);
  });

  it("writes columns only when given", () => {
    assert.equal(
      annotationCommand("error", { file: "p.json", line: 4, endLine: 4, col: 5, endColumn: 9, title: "no-admin-access" }, "m"),
      "::error file=p.json,line=4,endLine=4,col=5,endColumn=9,title=no-admin-access::m\n",
    );
    assert.equal(messageCommand("notice", "a\nb"), "::notice::a%0Ab\n");
  });

  it("wraps free text so nothing in it is read as a command", () => {
    assert.equal(withoutCommands("::error::forged", "tok"), "::stop-commands::tok\n::error::forged\n::tok::\n");
  });

  it("writes outputs as name=value, or as a heredoc with a delimiter the value does not hold", () => {
    assert.equal(outputEntry("findings", "3"), "findings=3\n");
    assert.equal(outputEntry("list", "a\nb", "EOF_1"), "list<<EOF_1\na\nb\nEOF_1\n");
    assert.throws(() => outputEntry("list", "a\nEOF_1", "EOF_1"), /Bug: the output delimiter/);
  });
});

describe("inputs", () => {
  it("applies action.yml's defaults when the runner passes none", () => {
    assert.deepEqual(readInputs({}), {
      path: ".",
      failOn: "error",
      sarifFile: "iam-policy-review.sarif",
      accessAnalyzer: false,
      annotations: true,
    });
  });

  it("reads INPUT_ variables with the names' hyphens, and YAML booleans", () => {
    assert.deepEqual(
      readInputs({
        INPUT_PATH: "infra",
        INPUT_BASE: "origin/main",
        "INPUT_FAIL-ON": "warning",
        INPUT_CONFIG: "ci/iam.yml",
        "INPUT_SARIF-FILE": "",
        "INPUT_ACCESS-ANALYZER": "True",
        INPUT_ANNOTATIONS: "false",
      }),
      { path: "infra", base: "origin/main", failOn: "warning", config: "ci/iam.yml", accessAnalyzer: true, annotations: false },
    );
  });

  it("names a wrong input and its allowed values", () => {
    assert.throws(
      () => readInputs({ "INPUT_FAIL-ON": "critical" }),
      new InputError('Input fail-on must be one of error, warning, note, never (got "critical").'),
    );
    assert.throws(() => readInputs({ INPUT_ANNOTATIONS: "yes" }), new InputError('Input annotations must be true or false (got "yes").'));
  });
});

describe("the base from the event", () => {
  it("pull_request and pull_request_target: the pull request's base commit", () => {
    const payload = examplePayload("pull_request", "opened") as { pull_request: { base: { sha: string } } };
    payload.pull_request.base.sha = "a".repeat(40);
    assert.deepEqual(baseFromEvent("pull_request", payload), {
      base: "a".repeat(40),
      reason: "the pull request's base commit aaaaaaaaaaaa",
    });
    assert.equal(baseFromEvent("pull_request_target", payload).base, "a".repeat(40));
  });

  it("merge_group: the group's base commit", () => {
    const payload = examplePayload("merge_group") as { merge_group: { base_sha: string } };
    assert.deepEqual(baseFromEvent("merge_group", payload), {
      base: payload.merge_group.base_sha,
      reason: `the merge group's base commit ${payload.merge_group.base_sha.slice(0, 12)}`,
    });
  });

  it("push: the commit before it; a push that creates the branch scans everything", () => {
    const payload = examplePayload("push") as { before: string };
    payload.before = "b".repeat(40);
    assert.equal(baseFromEvent("push", payload).base, "b".repeat(40));
    payload.before = "0".repeat(40);
    assert.deepEqual(baseFromEvent("push", payload), { reason: "the push created the branch (no commit before it); scanning everything" });
  });

  it("workflow_dispatch and schedule: a full scan", () => {
    assert.deepEqual(baseFromEvent("workflow_dispatch", examplePayload("workflow_dispatch")), {
      reason: "a workflow_dispatch run scans everything",
    });
    assert.deepEqual(baseFromEvent("schedule", {}), { reason: "a schedule run scans everything" });
  });

  it("a pull request payload without a base sha says so and scans everything", () => {
    assert.deepEqual(baseFromEvent("pull_request", {}), {
      reason: "the pull_request event has no pull_request.base.sha; scanning everything",
    });
  });
});
