/**
 * One way to protect a resource: Pulumi's `protect` resource option. A component's children
 * inherit it from the component (Pulumi copies the parent's `protect` to a child that sets none), so
 * `new KmsKey("k", {...}, { protect: true })` protects the key itself. Components never set
 * `protect: false` on a child: that would override the option a user passed.
 *
 * A component that decides protection from its own flag (OrthancHost's `protect`, on in prod) adds
 * the option only when the flag is on, through this helper, and never turns it off.
 */
export function protectIf(flag: boolean | undefined): { protect?: true } {
    return flag ? { protect: true } : {};
}
