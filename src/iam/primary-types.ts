/**
 * Which of an action's resource types it acts on, as opposed to those it only uses (issue #10), shared by the
 * rules that judge wildcards and NotResource by resource type.
 */
import type { ActionInfo, ActionResourceType } from "./actions.ts";

const PRIMARY_CACHE = new WeakMap<ActionInfo, readonly ActionResourceType[]>();

/**
 * The resource types an action changes, as opposed to those it only uses. iam-data lists every type an action
 * is authorised against without saying which it writes: `ec2:RunInstances` lists `subnet`, `security-group` and
 * `image` next to `instance`, and a launch needs the instance permission too, so RunInstances on `subnet/*`
 * says which subnets a launch may use, not that it writes every subnet (issue #10: the Lambda Managed Instances
 * operator role). Since the data cannot tell, the primary types are read from the action's name: the types it
 * names (`RunInstances` → instance, `CreateNetworkInterface` → network-interface, `DeleteLogGroup` → log-group);
 * when it names none, the required types (`dynamodb:PutItem` → table); when none is required, every type, so
 * nothing is dropped that the name does not explain.
 */
export function primaryTypesOf(info: ActionInfo): readonly ActionResourceType[] {
  let primary = PRIMARY_CACHE.get(info);
  if (primary === undefined) {
    const name = info.name.toLowerCase();
    const flat = (t: ActionResourceType) => t.name.toLowerCase().replace(/[^a-z0-9]/g, "");
    const matching = info.resourceTypes.filter((t) => {
      const type = flat(t);
      return type !== "" && (name.includes(type) || (type.endsWith("y") && name.includes(`${type.slice(0, -1)}ies`)));
    });
    // The longest names win: `CreateVpcEndpoint` names vpc-endpoint, not vpc.
    const named = matching.filter((t) => !matching.some((o) => o !== t && flat(o).length > flat(t).length && flat(o).includes(flat(t))));
    const required = info.resourceTypes.filter((t) => t.required);
    primary = named.length > 0 ? named : required.length > 0 ? required : info.resourceTypes;
    PRIMARY_CACHE.set(info, primary);
  }
  return primary;
}

/**
 * Whether a policy ARN may name resources of the type an ARN format describes, judged on the resource part only
 * (after the fifth `:`), by the literal text before the first wildcard or variable: `subnet/*` is not of
 * `instance/${InstanceId}`, `*` and `sub*` may be of anything. (`arnMatchesResourceType` lets a wildcard in the
 * region span the type, right for "may this ARN match" but too loose to tell one type from another.)
 */
export function sameType(arn: string, arnFormat: string): boolean {
  const resource = arn.split(":").slice(5).join(":");
  const format = arnFormat.split(":").slice(5).join(":");
  const own = resource.split(/[*?]/)[0]!.toLowerCase();
  const typed = format.split("${")[0]!.toLowerCase();
  return own.startsWith(typed) || typed.startsWith(own);
}
