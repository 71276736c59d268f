/**
 * Compiles a statement once into the sets the new-access diff compares (actions, resources, principals,
 * conditions), memoised by its JSON text. Pure.
 */
import type { PolicyDocument } from "../types.ts";
import type { AccessLevel } from "../iam/index.ts";
import { pointerOf, statementsOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder, isPlaceholder } from "../extract/placeholder.ts";
import { conditionsOf, principalsOf, resourcesOf, stringsAt } from "../policy/statements.ts";
import { canonicalJson } from "../policy/pointers.ts";
import { type ActionSet, type Atom, type PrincipalAtom, type ResourceAtom, actionPartOf } from "./sets.ts";
import { type ConditionAtom, valueMode } from "./conditions.ts";

// ---------------------------------------------------------------------------------------------------------
// Statements

export interface Compiled {
  ref: StatementRef;
  /**
   * The statement's JSON text: equal texts are the same statement (a statement whose keys were merely reordered
   * is compared grant by grant instead, with the same result). Fingerprints use `canonicalJson`.
   */
  text: string;
  sid?: string;
  effect: "Allow" | "Deny" | "unresolved";
  atoms: readonly Atom[];
  set: ActionSet;
  /** Action values, lower case, to tell which entries a change added. */
  actionValues: ReadonlySet<string>;
  usesNotAction: boolean;
  resources: ResourceAtom[];
  principals: PrincipalAtom[];
  hasPrincipal: boolean;
  conditions: ConditionAtom[];
  placeholders: boolean;
}

const ACCOUNT_ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;
const ACCOUNT_OF = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

function compile(ref: StatementRef, text: string): Compiled | undefined {
  const st = ref.statement;
  const rawEffect = st.Effect;
  let effect: Compiled["effect"];
  if (rawEffect === "Allow" || rawEffect === "Deny") effect = rawEffect;
  else if (typeof rawEffect === "string" && isPlaceholder(rawEffect)) effect = "unresolved";
  else return undefined;

  const actions = actionPartOf(st);

  let resources: ResourceAtom[];
  if (st.Resource !== undefined) {
    resources = resourcesOf(ref).map((r) => ({ kind: "value", value: r.value, pointer: r.pointer, key: `v${r.value}` }));
  } else if (st.NotResource !== undefined) {
    const excluded = stringsAt(st, "NotResource", ref.pointer).map((r) => r.value);
    resources = [{ kind: "not", excluded, pointer: pointerOf(ref.pointer, "NotResource"), key: `n${excluded.join("\u0000")}` }];
  } else {
    // Trust policies and other resource policies without Resource: the policy's own resource.
    resources = [{ kind: "value", value: "", pointer: ref.pointer, key: "v" }];
  }

  let principals: PrincipalAtom[];
  const hasPrincipal = st.Principal !== undefined || st.NotPrincipal !== undefined;
  if (st.Principal !== undefined) {
    principals = principalsOf(ref, "Principal").map((p): PrincipalAtom => {
      if (p.value === "*" && (p.type === "*" || p.type === "AWS")) {
        return { kind: "everyone", type: "*", value: "*", pointer: p.pointer, key: "*", unresolved: false };
      }
      const atom: PrincipalAtom = {
        kind: "value",
        type: p.type,
        value: p.value,
        pointer: p.pointer,
        key: `${p.type}:${p.value}`,
        unresolved: p.unresolved,
      };
      if (p.type === "AWS") {
        if (/^\d{12}$/.test(p.value)) {
          atom.account = p.value;
          atom.root = true;
        } else {
          const root = ACCOUNT_ROOT.exec(p.value);
          const account = root ?? ACCOUNT_OF.exec(p.value);
          if (account) atom.account = account[1]!;
          atom.root = root !== null;
        }
      }
      return atom;
    });
  } else if (st.NotPrincipal !== undefined) {
    const values = principalsOf(ref, "NotPrincipal").map((p) => p.value);
    principals = [
      {
        kind: "not",
        type: "",
        value: `everyone except ${values.join(", ")}`,
        pointer: pointerOf(ref.pointer, "NotPrincipal"),
        key: `!${canonicalJson(st.NotPrincipal)}`,
        unresolved: values.some(hasPlaceholder),
      },
    ];
  } else {
    principals = [{ kind: "none", type: "", value: "", pointer: ref.pointer, key: "", unresolved: false }];
  }

  const conditions = conditionsOf(ref).map((c): ConditionAtom => {
    const values = [...new Set(c.values.map((v) => v.value))];
    return {
      id: `${c.operator.toLowerCase()}\u0000${c.key.toLowerCase()}`,
      key: c.key,
      values,
      mode: valueMode(c.operator),
      pointer: c.pointer,
      operatorPointer: c.operatorPointer,
    };
  });

  const compiled: Compiled = {
    ref,
    text,
    effect,
    atoms: actions.atoms,
    set: actions.set,
    actionValues: actions.values,
    usesNotAction: actions.usesNotAction,
    resources,
    principals,
    hasPrincipal,
    conditions,
    placeholders: text.includes("{{") && hasPlaceholder(text),
  };
  if (typeof st.Sid === "string" && st.Sid !== "") compiled.sid = st.Sid;
  return compiled;
}

/**
 * Compiles a document's statements. `memo` shares the work between the two versions of a policy: a statement
 * left unchanged at the same place compiles once (pointers are part of the result, so the place must match).
 */
export function compileAll(doc: PolicyDocument | undefined, memo: Map<string, Compiled>): Compiled[] {
  if (doc === undefined) return [];
  return statementsOf(doc.json).flatMap((ref) => {
    const text = JSON.stringify(ref.statement);
    const key = `${ref.pointer}\u0000${text}`;
    const seen = memo.get(key);
    if (seen !== undefined) return [seen];
    const compiled = compile(ref, text);
    if (compiled === undefined) return [];
    memo.set(key, compiled);
    return [compiled];
  });
}

/** An uncovered action of a cell. */
export interface Grant {
  atom: Atom;
  level: AccessLevel;
  uncertain: boolean;
  /** Covered by a statement that differs only in conditions. */
  conditions: boolean;
}

/** The uncovered grants of one statement on one resource for one principal. */
export interface Cell {
  stmt: Compiled;
  r: ResourceAtom;
  p: PrincipalAtom;
  grants: Grant[];
}
