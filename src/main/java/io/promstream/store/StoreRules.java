package io.promstream.store;

/**
 * What the configuration says the store keeps (docs/semantics.md, Family rules; Credential quotas): the families' rules and
 * the credentials' series quotas.
 */
public record StoreRules(FamilyRules families, CredentialQuotas credentials) {
    /** No rules, no quotas. */
    public static final StoreRules NONE = new StoreRules(FamilyRules.NONE, CredentialQuotas.NONE);
}
