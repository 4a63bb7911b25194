package dev.corral.spec;

/** Naming rules shared by validation and the API. */
public final class Names {

    /** RFC 1123 DNS label, as Kubernetes uses for most names: it becomes part of container and network names. */
    public static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    public static final String DNS_LABEL_MESSAGE =
            "must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit";
    public static final int MAX_NAME = 63;

    /** Label keys as in Kubernetes: an optional DNS-subdomain prefix and a name of up to 63 characters. */
    public static final String LABEL_KEY =
            "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
    public static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";

    public static final String ENV_NAME = "[A-Za-z_][A-Za-z0-9_]*";

    private Names() {
    }

    public static boolean isDnsLabel(String s) {
        return s != null && s.length() <= MAX_NAME && s.matches(DNS_LABEL);
    }
}
