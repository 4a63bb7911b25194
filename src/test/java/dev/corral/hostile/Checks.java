package dev.corral.hostile;

import java.util.ArrayList;
import java.util.List;

/**
 * Many checks in one test: every one runs, and the test fails once at the end listing each
 * that did not hold (one line each), so one finding's report shows all of its cases.
 */
final class Checks {

    private final String finding;
    private final List<String> failed = new ArrayList<>();
    private int count;

    Checks(String finding) {
        this.finding = finding;
    }

    /** Records a failure when {@code ok} is false. */
    Checks expect(boolean ok, String what, Object detail) {
        count++;
        if (!ok) {
            failed.add(what + " — got: " + detail);
        }
        return this;
    }

    /** A 4xx whose body is Corral's JSON error. */
    Checks expect4xxJson(String what, Raw.Response r) {
        return expect(r.status() >= 400 && r.status() < 500 && r.isJsonError(), what + ": a 4xx with a JSON {\"error\"} body",
                r.summary());
    }

    /** A given status whose body is Corral's JSON error. */
    Checks expectStatusJson(String what, int status, Raw.Response r) {
        return expect(r.status() == status && r.isJsonError(), what + ": " + status + " with a JSON {\"error\"} body",
                r.summary());
    }

    /** Exactly this status. */
    Checks expectStatus(int status, String what, Raw.Response r) {
        return expect(r.status() == status, what + ": " + status, r.summary());
    }

    int failures() {
        return failed.size();
    }

    void verify() {
        if (!failed.isEmpty()) {
            throw new AssertionError(finding + ": " + failed.size() + " of " + count + " checks failed:\n  - "
                    + String.join("\n  - ", failed));
        }
    }
}
