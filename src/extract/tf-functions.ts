/**
 * Terraform's `format()` for the verbs a policy needs (`%s`, `%d`, `%v`, `%%`): undefined unless the format and
 * every argument are known and there are enough arguments (issue #11).
 */
export function formatted(spec: string | undefined, args: ReadonlyArray<string | undefined>): string | undefined {
  if (spec === undefined || !args.every((arg) => arg !== undefined)) return undefined;
  let next = 0;
  let complete = true;
  const value = spec.replace(/%(%|[sdv])/g, (_match, verb: string) => {
    if (verb === "%") return "%";
    if (next >= args.length) complete = false;
    return args[next++] ?? "";
  });
  return complete ? value : undefined;
}
